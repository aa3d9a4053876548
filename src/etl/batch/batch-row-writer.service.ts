import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AssetIdentityService, candidateKey } from '../../catalog/asset-identity.service.js';
import { NewsLinker } from '../../catalog/news-linker.service.js';
import type { ResolvedAssetCache } from '../../catalog/resolved-asset-cache.js';
import type { CanonicalQuote } from '../extractor/canonical.types.js';
import { contentHash } from '../hashing.js';
import type { CopyText } from '../load/copy-rows.js';
import { MarketQuotesRepository, quoteCopyLine, type WriteCounts } from '../load/market-quotes.repository.js';
import { NewsItemsRepository, type NewsRow } from '../load/news-items.repository.js';
import { QuoteWriteSteps, type WrittenQuote } from '../load/quote-write-steps.js';
import { RawRecordRepository } from '../raw/raw-record.repository.js';
import { candidateOf } from './batch-rows.js';
import type { CopyFirstPolicies, PreparedNews, PreparedQuote } from './batch.types.js';

/** The rows one write puts into the tables. */
export interface BatchRows {
  raw: CopyText;
  quotes: PreparedQuote[];
  news: PreparedNews[];
}

export interface WriteOptions {
  /** The run's asset cache: answered from and staged into (left out where a write may be rolled back). */
  cache?: ResolvedAssetCache;
  /** The cache's generation when `prepare` answered quotes from it (a later reset makes them stale). */
  cacheGeneration?: number;
  copyFirst?: CopyFirstPolicies;
}

/** One write of a batch's rows, inside the batch's transaction. */
export interface RowsWrite {
  source: string;
  runId: string;
  rows: BatchRows;
  options: WriteOptions;
}

export const ZERO_WRITES: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicate: 0 };

/**
 * Writes a batch's rows in the caller's transaction: raw payloads, then quotes (identity resolved,
 * QuoteWriteSteps run) or news items (linked to assets).
 */
@Injectable()
export class BatchRowWriter {
  constructor(
    private readonly identity: AssetIdentityService,
    private readonly newsLinker: NewsLinker,
    private readonly raw: RawRecordRepository,
    private readonly quotes: MarketQuotesRepository,
    private readonly news: NewsItemsRepository,
    private readonly quoteSteps: QuoteWriteSteps,
  ) {}

  /** Raw payloads then canonical rows (quotes or news). */
  async writeRows(manager: EntityManager, write: RowsWrite): Promise<WriteCounts> {
    const { rows, options } = write;
    await this.raw.upsertRaw(manager, rows.raw, options.copyFirst?.raw);
    let written: WriteCounts = ZERO_WRITES;
    if (rows.quotes.length > 0) written = await this.writeQuotes(manager, write);
    if (rows.news.length > 0) written = await this.writeNews(manager, write);
    return written;
  }

  private async writeQuotes(manager: EntityManager, { source, runId, rows, options }: RowsWrite): Promise<WriteCounts> {
    const quotes = rows.quotes;
    const { cache, cacheGeneration } = options;
    // Without the cache (row isolation) nothing it answered at preparation can be checked: resolve all.
    const prepared = cache ? quotes : quotes.map((p) => ({ ...p, resolved: undefined }));
    const unresolved = prepared.filter((p) => !p.resolved);
    let assetIds = unresolved.length === 0
      ? new Map<string, string>()
      : await this.identity.resolve(manager, unresolved.map(({ quote }) => candidateOf(source, quote)), cache);
    let cached = prepared;
    const valid = cache ? await this.identity.cacheStillValid(manager, cache) : true;
    if (cache && (!valid || cacheGeneration !== cache.generation)) {
      // A re-decision moved source ids since the cache answered (this batch, or the one prepared
      // while the previous batch reset the cache): answer the whole batch afresh.
      assetIds = await this.identity.resolve(manager, prepared.map(({ quote }) => candidateOf(source, quote)), cache);
      cached = prepared.map((p) => ({ ...p, resolved: undefined }));
    }
    // Last quote wins per (asset, observed_at): two source ids may resolve to one asset.
    const lines = new Map<string, { line: string; written: WrittenQuote }>();
    for (const { quote: q, contentHash: hash, resolved } of cached) {
      const assetId = resolved?.assetId ?? assetIds.get(candidateKey(source, q.sourceAssetId));
      if (!assetId) throw new Error(`identity resolution returned no asset for ${source}/${q.sourceAssetId}`);
      lines.set(`${assetId}|${q.observedAt.getTime()}`, {
        line: resolved?.copyLine ?? quoteCopyLine({ assetId, source, quote: q, contentHash: hash, runId }),
        written: writtenQuote(assetId, q),
      });
    }
    const text = [...lines.values()].map((l) => l.line).join('');
    const counts = await this.quotes.upsertQuotes(manager, { rows: lines.size, text }, options.copyFirst?.quotes);
    await this.quoteSteps.run(manager, { runId, source, quotes: [...lines.values()].map((l) => l.written) });
    // Quotes of one asset at one instant beyond the first are duplicates (the last one was written).
    return { ...counts, duplicate: counts.duplicate + (prepared.length - lines.size) };
  }

  private async writeNews(manager: EntityManager, { source, runId, rows: { news: items } }: RowsWrite): Promise<WriteCounts> {
    const rows = new Map<string, NewsRow>();
    for (const { news: n } of items) {
      rows.set(n.dedupeKey, {
        source, feedUrl: n.feedUrl, dedupeKey: n.dedupeKey, guid: n.guid, title: n.title, link: n.link, summary: n.summary,
        author: n.author, categories: n.categories, publishedAt: n.publishedAt,
        contentHash: contentHash([n.title, n.link, n.summary, n.author, n.categories, n.publishedAt.toISOString(), n.guid, n.feedUrl]),
      });
    }
    const { counts, items: stored } = await this.news.upsertNews(manager, runId, [...rows.values()]);
    // Every item of the batch is (re)linked: assets that appeared since it was first stored count too.
    await this.newsLinker.link(manager, stored);
    return { ...counts, duplicate: counts.duplicate + (items.length - rows.size) };
  }
}

function writtenQuote(assetId: string, q: CanonicalQuote): WrittenQuote {
  return {
    assetId, sourceAssetId: q.sourceAssetId, observedAt: q.observedAt,
    priceUsd: q.priceUsd, marketCapUsd: q.marketCapUsd, volume24hUsd: q.volume24hUsd,
  };
}
