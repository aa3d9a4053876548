import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AssetIdentityService, candidateKey } from '../../catalog/asset-identity.service.js';
import type { CanonicalQuote } from '../extractor/canonical.types.js';
import { MarketQuotesRepository, quoteCopyLine, type WriteCounts } from '../load/market-quotes.repository.js';
import { QuoteWriteSteps, type WrittenQuote } from '../load/quote-write-steps.js';
import type { RowsWrite } from './batch.types.js';
import { candidateOf } from './batch-rows.js';

/** A batch's quotes into market_quotes: their assets resolved, then the QuoteWriteSteps run on them. */
@Injectable()
export class QuoteRowsWriter {
  constructor(
    private readonly identity: AssetIdentityService,
    private readonly quotes: MarketQuotesRepository,
    private readonly quoteSteps: QuoteWriteSteps,
  ) {}

  async writeQuotes(manager: EntityManager, { source, runId, rows, options }: RowsWrite): Promise<WriteCounts> {
    const quotes = rows.quotes;
    const { cache, cacheGeneration } = options;
    // Without the cache (row isolation) nothing it answered at preparation can be checked: resolve all.
    const prepared = cache ? quotes : quotes.map((p) => ({ ...p, resolved: undefined }));
    const unresolved = prepared.filter((p) => !p.resolved);
    let assetIds =
      unresolved.length === 0
        ? new Map<string, string>()
        : await this.identity.resolve(
            manager,
            unresolved.map(({ quote }) => candidateOf(source, quote)),
            cache,
          );
    let cached = prepared;
    const valid = cache ? await this.identity.cacheStillValid(manager, cache) : true;
    if (cache && (!valid || cacheGeneration !== cache.generation)) {
      // A re-decision moved source ids since the cache answered (this batch, or the one prepared
      // while the previous batch reset the cache): answer the whole batch afresh.
      assetIds = await this.identity.resolve(
        manager,
        prepared.map(({ quote }) => candidateOf(source, quote)),
        cache,
      );
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
}

function writtenQuote(assetId: string, q: CanonicalQuote): WrittenQuote {
  return {
    assetId,
    sourceAssetId: q.sourceAssetId,
    observedAt: q.observedAt,
    priceUsd: q.priceUsd,
    marketCapUsd: q.marketCapUsd,
    volume24hUsd: q.volume24hUsd,
  };
}
