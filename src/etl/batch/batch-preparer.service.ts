import { Injectable } from '@nestjs/common';
import { AssetIdentityService } from '../../catalog/asset-identity.service.js';
import type { ResolvedAssetCache } from '../../catalog/resolved-asset-cache.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { DriftService } from '../drift/drift.service.js';
import type { CanonicalQuote, CanonicalRecord } from '../extractor/canonical.types.js';
import type { ExtractedBatch, Extractor, RawRecord, StreamDefinition } from '../extractor/extractor.interface.js';
import { stringifyJson } from '../extractor/json-number.js';
import { contentHash } from '../hashing.js';
import { quoteCopyLine } from '../load/market-quotes.repository.js';
import { quoteFigures } from '../load/quote-figures.js';
import type { QuarantineRow } from '../quarantine/quarantine.repository.js';
import { rawCopyText, type RawRow } from '../raw/raw-record.repository.js';
import { newsViolation, quoteViolation, timeWindow, type TimeWindow } from '../validation/canonical-envelope.js';
import { unstorableRecord } from '../validation/storable-payload.js';
import { candidateOf, dedupeQuarantine, quarantineRow } from './batch-rows.js';
import type { PrepareContext, PreparedBatch, PreparedNews, PreparedQuote } from './batch.types.js';

/** The quotes of a batch to answer from the run's asset cache. */
export interface CachedResolution {
  source: string;
  runId: string;
  quotes: PreparedQuote[];
  cache: ResolvedAssetCache;
}

/**
 * The CPU half of processing a batch, everything before its transaction: drift check, mapping, the
 * value envelope, hashing, and identity answered from the run's cache.
 */
@Injectable()
export class BatchPreparer {
  constructor(
    private readonly config: AppConfig,
    private readonly drift: DriftService,
    private readonly identity: AssetIdentityService,
  ) {}

  /**
   * No I/O: the runner prepares batch N+1 while batch N's transaction is in PostgreSQL, so parsing
   * and database work overlap.
   */
  async prepare(run: PrepareContext, batch: ExtractedBatch): Promise<PreparedBatch> {
    const { extractor, stream, runId } = run;
    const source = extractor.sourceId;
    const window = timeWindow(run.runStartedAt, this.config.etl.maxFutureSkewSeconds);
    const unique = dedupeByNaturalKey(batch.records);
    const quarantined: QuarantineRow[] = [];
    const reject = (naturalKey: string | null, payload: Record<string, unknown>, reason: string) =>
      quarantined.push(quarantineRow({ source, stream: stream.name, naturalKey, payload, reason }));
    for (const r of batch.rejects ?? []) reject(r.naturalKey ?? null, r.payload, r.reason);
    const records = await this.storableRecords(unique, (r, why) => {
      reject(r.naturalKey, r.payload, `cannot be stored as received: ${why}`);
    });
    const inspection = await this.drift.inspect({ extractor, stream, records, runId });
    for (const q of inspection.quarantined) reject(q.record.naturalKey, q.record.payload, q.reason);
    const quotes: PreparedQuote[] = [];
    const newsItems: PreparedNews[] = [];
    for (const [i, record] of inspection.accepted.entries()) {
      // Short slices: the transaction of the previous batch gets its replies handled promptly.
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      const result = safeMap(extractor, record, stream.name);
      const reason = result.ok ? envelopeViolation(result.record, stream, window) : result.reason;
      if (reason !== null) {
        reject(record.naturalKey, record.payload, reason);
      } else if (result.ok && result.record.kind === 'market_quote') {
        quotes.push({ record, quote: result.record, contentHash: quoteHash(result.record) });
        inspection.baseline.observe(record, result.record.sourceAssetId);
      } else if (result.ok && result.record.kind === 'news') {
        newsItems.push({ record, news: result.record });
      }
    }
    const cacheGeneration = run.resolvedAssets?.generation;
    if (run.resolvedAssets) await this.resolveFromCache({ source, runId, quotes, cache: run.resolvedAssets });
    const fetchedAt = new Date();
    const instantOf = rawInstants(quotes, newsItems, fetchedAt);
    const raw: RawRow[] = [];
    for (const [i, r] of records.entries()) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      // Lossless: JsonNumbers are written as received, so the stored raw payload keeps every digit.
      const payloadJson = stringifyJson(r.payload);
      raw.push({
        source,
        stream: stream.name,
        naturalKey: r.naturalKey,
        payloadJson,
        payloadHash: contentHash(payloadJson),
        fetchedAt,
        observedAt: instantOf(r.naturalKey),
      });
    }
    return {
      batch,
      raw: rawCopyText(raw, runId),
      rawRows: raw,
      duplicates: batch.records.length - unique.length,
      quotes,
      newsItems,
      quarantined: dedupeQuarantine(quarantined),
      quarantinedCount: quarantined.length,
      inspection,
      cacheGeneration,
    };
  }

  /** The records whose key and payload PostgreSQL can store as received; the others go to `reject`. */
  private async storableRecords(
    records: RawRecord[],
    reject: (r: RawRecord, why: string) => void,
  ): Promise<RawRecord[]> {
    const storable: RawRecord[] = [];
    for (const [i, record] of records.entries()) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      const why = unstorableRecord(record);
      if (why === null) storable.push(record);
      else reject(record, why);
    }
    return storable.length === records.length ? records : storable;
  }

  /**
   * Quotes whose asset the run has resolved before get their asset and COPY line now, so the
   * transaction, which the database waits on, only handles the rest.
   */
  private async resolveFromCache({ source, runId, quotes, cache }: CachedResolution): Promise<void> {
    for (const [i, p] of quotes.entries()) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      const q = p.quote;
      const assetId = this.identity.cachedAssetId(candidateOf(source, q), cache);
      if (assetId !== undefined) {
        p.resolved = {
          assetId,
          copyLine: quoteCopyLine({ assetId, source, quote: q, contentHash: p.contentHash, runId }),
        };
      }
    }
  }
}

/** The first envelope violation of a mapped record, or why it does not fit the stream; null when it fits. */
function envelopeViolation(record: CanonicalRecord, stream: StreamDefinition, window: TimeWindow): string | null {
  if (record.kind === 'market_quote' && stream.kind === 'market_quotes') {
    return outOfEnvelope(quoteViolation(record, window));
  }
  if (record.kind === 'news' && stream.kind === 'news') return outOfEnvelope(newsViolation(record, window));
  return `mapper returned a ${record.kind} record for a ${stream.kind} stream`;
}

function outOfEnvelope(violation: string | null): string | null {
  return violation === null ? null : `out of envelope: ${violation}`;
}

// Records prepared per synchronous slice: short slices (~1-2 ms) let the replies of the previous
// batch's transaction be handled promptly while this batch is prepared (measured: 250 beats 1000).
const YIELD_EVERY = 250;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What makes a stored quote "changed" (its asset and key are not part of it). */
function quoteHash(q: CanonicalQuote): string {
  return contentHash([...quoteFigures(q), q.sourceAssetId]);
}

function safeMap(extractor: Extractor, record: RawRecord, stream: string): ReturnType<Extractor['map']> {
  try {
    return extractor.map(record, stream);
  } catch (err) {
    return { ok: false, reason: `mapper threw: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Last occurrence wins: ON CONFLICT cannot touch one row twice in a statement. */
function dedupeByNaturalKey(records: RawRecord[]): RawRecord[] {
  const byKey = new Map<string, RawRecord>();
  for (const r of records) byKey.set(r.naturalKey, r);
  return byKey.size === records.length ? records : [...byKey.values()];
}

/**
 * The instant each raw payload is filed under (raw_records is partitioned by it): the observation
 * it was mapped to (a quote's observed_at, a news item's published_at), so a payload is kept, and
 * dropped by retention, with the rows it produced. A record that mapped to nothing (quarantined)
 * has no instant of its own: the UTC day it was fetched (a re-fetch that day finds the same row).
 */
function rawInstants(quotes: PreparedQuote[], news: PreparedNews[], fetchedAt: Date): (naturalKey: string) => Date {
  const byKey = new Map<string, Date>();
  for (const q of quotes) byKey.set(q.record.naturalKey, q.quote.observedAt);
  for (const n of news) byKey.set(n.record.naturalKey, n.news.publishedAt);
  const day = new Date(Date.UTC(fetchedAt.getUTCFullYear(), fetchedAt.getUTCMonth(), fetchedAt.getUTCDate()));
  return (naturalKey) => byKey.get(naturalKey) ?? day;
}
