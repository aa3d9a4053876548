import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AssetIdentityService, candidateKey, type AssetCandidate } from '../catalog/asset-identity.service.js';
import { NewsLinker } from '../catalog/news-linker.service.js';
import type { ResolvedAssetCache } from '../catalog/resolved-asset-cache.js';
import { AppConfig } from '../config/app-config.js';
import { SourceCountersRepository } from '../counters/source-counters.repository.js';
import { PartitionMaintenance } from '../partitions/partition-maintenance.service.js';
import { CheckpointService } from './checkpoint/checkpoint.service.js';
import type { SourceFence } from './checkpoint/source-lease.repository.js';
import { DriftService, type DriftFinding, type DriftInspection } from './drift/drift.service.js';
import type { CanonicalNews, CanonicalQuote, CanonicalRecord } from './extractor/canonical.types.js';
import type { ExtractedBatch, Extractor, RawRecord, StreamCursor, StreamDefinition } from './extractor/extractor.interface.js';
import { stringifyJson } from './extractor/json-number.js';
import { contentHash } from './hashing.js';
import type { BatchCounts } from './ledger/run-ledger.repository.js';
import { RunLedgerRepository } from './ledger/run-ledger.repository.js';
import { MarketQuotesRepository, quoteCopyLine, type WriteCounts } from './load/market-quotes.repository.js';
import { NewsItemsRepository, type NewsRow } from './load/news-items.repository.js';
import { QuoteWriteSteps, type WrittenQuote } from './load/quote-write-steps.js';
import { QuarantineRepository, type QuarantineRow } from './quarantine/quarantine.repository.js';
import { CopyFirstPolicy, type CopyText } from './load/copy-rows.js';
import { RawRecordRepository, rawCopyText, type RawRow } from './raw/raw-record.repository.js';
import { newsViolation, quoteViolation, timeWindow, type TimeWindow } from './validation/canonical-envelope.js';
import { describeDataError, isDataError } from './validation/data-error.js';
import { isolateFailingUnits } from './validation/row-isolation.js';
import { RowIsolationRepository } from './validation/row-isolation.repository.js';
import { unstorableRecord } from './validation/storable-payload.js';

export interface BatchContext {
  extractor: Extractor;
  stream: StreamDefinition;
  runId: string;
  sourceRunId: string;
  runStartedAt: Date;
  previousCursor: StreamCursor | undefined;
  /** The run's fencing token for its source: the batch commits only while it is current. */
  fence: SourceFence;
  /** Assets resolved earlier in this source run (optional: without it every batch looks them up). */
  resolvedAssets?: ResolvedAssetCache;
  /** When to copy straight into the tables (optional: without it every batch goes through staging). */
  copyFirst?: CopyFirstPolicies;
  /** Leave the stream's checkpoint alone: replays and backfills never move the incremental cursor. */
  keepCursor?: boolean;
  /** Writes that must commit or roll back with the batch (a replay marks its loaded rows resolved). */
  alsoInTransaction?: (manager: EntityManager) => Promise<void>;
}

/** One COPY-first policy per table the batches write in bulk, kept for one source run. */
export class CopyFirstPolicies {
  readonly raw = new CopyFirstPolicy();
  readonly quotes = new CopyFirstPolicy();
}

/** What preparing a batch needs to know of its run. */
export interface PrepareContext {
  extractor: Extractor;
  stream: StreamDefinition;
  runId: string;
  /** The plausibility window of timestamps is measured from it (ETL_MAX_FUTURE_SKEW_SECONDS). */
  runStartedAt: Date;
  resolvedAssets?: ResolvedAssetCache;
}

export interface PreparedQuote {
  /** The record it was mapped from (quarantined in its place if the database refuses the quote). */
  record: RawRecord;
  quote: CanonicalQuote;
  contentHash: string;
  /** Set when the run's cache knew the asset at preparation: the quote's COPY line is ready too. */
  resolved?: { assetId: string; copyLine: string };
}

export interface PreparedNews {
  record: RawRecord;
  news: CanonicalNews;
}

/** A batch after the CPU half of processing, ready for its transaction. */
export interface PreparedBatch {
  batch: ExtractedBatch;
  /** The batch's raw payloads, already in COPY format. */
  raw: CopyText;
  /** The same raw rows one by one, for row isolation (see `commit`). */
  rawRows: RawRow[];
  /** Records dropped because a later record of the batch had the same natural key. */
  duplicates: number;
  quotes: PreparedQuote[];
  newsItems: PreparedNews[];
  quarantined: QuarantineRow[];
  /** Rows quarantined before de-duplication by payload (what the ledger counts). */
  quarantinedCount: number;
  inspection: DriftInspection;
  /** The run cache's generation when quotes were answered from it (a later reset makes them stale). */
  cacheGeneration?: number;
}

export interface BatchResult {
  counts: BatchCounts;
  cursor: StreamCursor;
  fingerprint: string;
  findings: DriftFinding[];
}

/**
 * Turns one extracted batch into committed rows: drift check, mapping, identity resolution, then ONE
 * transaction holding raw payloads, canonical rows, quarantined rows, drift events, the stream's
 * checkpoint and the ledger counts. Either all of it commits or none of it does.
 */
@Injectable()
export class BatchProcessor {
  private readonly logger = new Logger(BatchProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly drift: DriftService,
    private readonly checkpoints: CheckpointService,
    private readonly identity: AssetIdentityService,
    private readonly newsLinker: NewsLinker,
    private readonly raw: RawRecordRepository,
    private readonly quotes: MarketQuotesRepository,
    private readonly news: NewsItemsRepository,
    private readonly quarantine: QuarantineRepository,
    private readonly ledger: RunLedgerRepository,
    private readonly isolation: RowIsolationRepository,
    private readonly quoteSteps: QuoteWriteSteps,
    private readonly counters: SourceCountersRepository,
    private readonly partitions: PartitionMaintenance,
  ) {}

  /** Prepares then commits one batch (callers that pipeline batches use the two steps apart). */
  async process(ctx: BatchContext, batch: ExtractedBatch): Promise<BatchResult> {
    return this.commit(ctx, await this.prepare(ctx, batch));
  }

  /**
   * The CPU half, with no I/O: drift check, mapping, the value envelope, hashing. The runner prepares
   * batch N+1 while batch N's transaction is in PostgreSQL, so parsing and database work overlap.
   */
  async prepare(run: PrepareContext, batch: ExtractedBatch): Promise<PreparedBatch> {
    const { extractor, stream, runId } = run;
    const source = extractor.sourceId;
    const window = timeWindow(run.runStartedAt, this.config.etl.maxFutureSkewSeconds);
    const unique = dedupeByNaturalKey(batch.records);
    const quarantined: QuarantineRow[] = [];
    const reject = (naturalKey: string | null, payload: Record<string, unknown>, reason: string) =>
      quarantined.push(quarantineRow(source, stream.name, naturalKey, payload, reason));
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
    if (run.resolvedAssets) await this.resolveFromCache(source, runId, quotes, run.resolvedAssets);
    const fetchedAt = new Date();
    const instantOf = rawInstants(quotes, newsItems, fetchedAt);
    const raw: RawRow[] = [];
    for (const [i, r] of records.entries()) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      // Lossless: JsonNumbers are written as received, so the stored raw payload keeps every digit.
      const payloadJson = stringifyJson(r.payload);
      raw.push({ source, stream: stream.name, naturalKey: r.naturalKey, payloadJson, payloadHash: contentHash(payloadJson), fetchedAt,
        observedAt: instantOf(r.naturalKey) });
    }
    return {
      batch, raw: rawCopyText(raw, runId), rawRows: raw, duplicates: batch.records.length - unique.length, quotes,
      newsItems, quarantined: dedupeQuarantine(quarantined), quarantinedCount: quarantined.length, inspection,
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
  private async resolveFromCache(source: string, runId: string, quotes: PreparedQuote[], cache: ResolvedAssetCache): Promise<void> {
    for (const [i, p] of quotes.entries()) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      const q = p.quote;
      const assetId = this.identity.cachedAssetId(candidateOf(source, q), cache);
      if (assetId !== undefined) p.resolved = { assetId, copyLine: quoteCopyLine(assetId, source, q, p.contentHash, runId) };
    }
  }

  /**
   * The database half: ONE transaction for everything the batch produced, its checkpoint and counts.
   * When it fails with a data error (a value the envelope let through and PostgreSQL refuses), the
   * batch is written again with its rows isolated: the rows that fail alone are quarantined with the
   * database's message, the rest commits with the checkpoint, so no row can stall its source.
   */
  async commit(ctx: BatchContext, prepared: PreparedBatch): Promise<BatchResult> {
    const { batch, inspection } = prepared;
    const cursor = this.checkpoints.advance(ctx.previousCursor, batch.cursor, ctx.runStartedAt);
    // Before the batch's transaction, in a short one of its own: no instant may lack a partition.
    await this.partitions.ensureCovering({
      market_quotes: prepared.quotes.map((q) => q.quote.observedAt), raw_records: prepared.rawRows.map((r) => r.observedAt),
    });
    let counts: BatchCounts;
    try {
      counts = await this.transaction(ctx, prepared, cursor);
      ctx.resolvedAssets?.commit();
    } catch (err) {
      ctx.resolvedAssets?.discard();
      if (!isDataError(err)) throw err;
      const where = { source: ctx.extractor.sourceId, stream: ctx.stream.name };
      this.logger.warn({ ...where, error: describeDataError(err) }, 'batch refused by the database: isolating rows');
      counts = await this.isolatingTransaction(ctx, prepared, cursor);
    }
    return { counts, cursor, fingerprint: inspection.fingerprint, findings: inspection.findings };
  }

  private transaction(ctx: BatchContext, prepared: PreparedBatch, cursor: StreamCursor): Promise<BatchCounts> {
    return this.dataSource.transaction(async (manager) => {
      // Before any table lock: partition DDL waits for this transaction (and it for the DDL).
      await this.partitions.holdAgainstDdl(manager);
      // Fencing first: a run that lost its source writes nothing (checked again with the checkpoint).
      await this.checkpoints.assertOwner(manager, ctx.fence);
      const rows: BatchRows = { raw: prepared.raw, quotes: prepared.quotes, news: prepared.newsItems };
      const written = await this.writeRows(manager, ctx, rows, {
        cache: ctx.resolvedAssets, copyFirst: ctx.copyFirst, cacheGeneration: prepared.cacheGeneration,
      });
      return this.finishBatch(manager, ctx, prepared, { written, cursor, isolated: [] });
    });
  }

  /**
   * The batch again, one record per unit (its raw payload and its canonical row), bisected inside
   * savepoints until the units the database refuses are found. Without the run's asset cache (a
   * rolled-back subset must not leave entries in it) and without COPY-first (always staged).
   */
  private isolatingTransaction(ctx: BatchContext, prepared: PreparedBatch, cursor: StreamCursor): Promise<BatchCounts> {
    return this.dataSource.transaction(async (manager) => {
      await this.partitions.holdAgainstDdl(manager);
      await this.checkpoints.assertOwner(manager, ctx.fence);
      const { results, failed } = await isolateFailingUnits({
        units: unitsOf(prepared),
        savepoints: this.isolation.savepointsOf(manager),
        write: async (units: RowUnit[]) => {
          const written = await this.writeRows(manager, ctx, {
            raw: rawCopyText(units.flatMap((u) => (u.raw ? [u.raw] : [])), ctx.runId),
            quotes: units.flatMap((u) => u.quotes),
            news: units.flatMap((u) => u.news),
          }, {});
          await this.isolation.dropStagingTables(manager);
          return written;
        },
      });
      const written = results.reduce(addWriteCounts, ZERO_WRITES);
      const source = ctx.extractor.sourceId;
      const isolated = failed.flatMap(({ unit, error }) => {
        const record = unit.quotes[0]?.record ?? unit.news[0]?.record;
        const reason = `database refused the row: ${describeDataError(error)}`;
        return record ? [quarantineRow(source, ctx.stream.name, record.naturalKey, record.payload, reason)] : [];
      });
      const keys = failed.map((f) => f.unit.naturalKey);
      this.logger.warn({ source, stream: ctx.stream.name, quarantined: keys }, 'rows the database refused quarantined');
      return this.finishBatch(manager, ctx, prepared, { written, cursor, isolated });
    });
  }

  /** Raw payloads then canonical rows (quotes or news). */
  private async writeRows(
    manager: EntityManager,
    ctx: BatchContext,
    rows: BatchRows,
    options: WriteOptions,
  ): Promise<WriteCounts> {
    await this.raw.upsertRaw(manager, rows.raw, options.copyFirst?.raw);
    let written: WriteCounts = ZERO_WRITES;
    if (rows.quotes.length > 0) written = await this.writeQuotes(manager, ctx, rows.quotes, options);
    if (rows.news.length > 0) written = await this.writeNews(manager, ctx.runId, ctx.extractor.sourceId, rows.news);
    return written;
  }

  /** What every batch ends with, in its transaction: quarantine, drift events, checkpoint, ledger counts. */
  private async finishBatch(
    manager: EntityManager,
    ctx: BatchContext,
    prepared: PreparedBatch,
    end: BatchEnd,
  ): Promise<BatchCounts> {
    const source = ctx.extractor.sourceId;
    const { batch, inspection } = prepared;
    const quarantined = end.isolated.length === 0
      ? prepared.quarantined
      : dedupeQuarantine([...prepared.quarantined, ...end.isolated]);
    const quarantinedNew = await this.quarantine.quarantine(manager, ctx.runId, quarantined);
    await this.drift.record(manager, { runId: ctx.runId, source, stream: ctx.stream.name, inspection });
    if (!ctx.keepCursor) {
      await this.checkpoints.commit(manager, {
        source, stream: ctx.stream.name, cursor: end.cursor, runId: ctx.runId, fence: ctx.fence,
      });
    }
    await ctx.alsoInTransaction?.(manager);
    const batchCounts: BatchCounts = {
      extracted: batch.records.length + (batch.rejects?.length ?? 0),
      inserted: end.written.inserted,
      updated: end.written.updated,
      unchanged: end.written.unchanged,
      // Records whose natural key a later record of the batch repeated: the later one was kept.
      duplicate: end.written.duplicate + prepared.duplicates,
      quarantined: prepared.quarantinedCount + end.isolated.length,
    };
    await this.ledger.addBatchCounts(manager, ctx.sourceRunId, batchCounts);
    // Last, in the same transaction: the stored-row counters /stats and list totals read.
    await this.counters.addBatch(manager, {
      source, table: ctx.stream.kind === 'news' ? 'news_items' : 'market_quotes', inserted: end.written.inserted, quarantined: quarantinedNew,
    });
    return batchCounts;
  }

  private async writeQuotes(
    manager: EntityManager,
    ctx: BatchContext,
    quotes: PreparedQuote[],
    options: WriteOptions,
  ): Promise<WriteCounts> {
    const source = ctx.extractor.sourceId;
    const runId = ctx.runId;
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
        line: resolved?.copyLine ?? quoteCopyLine(assetId, source, q, hash, runId),
        written: writtenQuote(assetId, q),
      });
    }
    const text = [...lines.values()].map((l) => l.line).join('');
    const counts = await this.quotes.upsertQuotes(manager, { rows: lines.size, text }, options.copyFirst?.quotes);
    await this.quoteSteps.run(manager, { runId, source, quotes: [...lines.values()].map((l) => l.written) });
    // Quotes of one asset at one instant beyond the first are duplicates (the last one was written).
    return { ...counts, duplicate: counts.duplicate + (prepared.length - lines.size) };
  }

  private async writeNews(
    manager: EntityManager,
    runId: string,
    source: string,
    items: PreparedNews[],
  ): Promise<WriteCounts> {
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

/** The rows one write puts into the tables. */
interface BatchRows {
  raw: CopyText;
  quotes: PreparedQuote[];
  news: PreparedNews[];
}

interface WriteOptions {
  /** The run's asset cache: answered from and staged into (left out where a write may be rolled back). */
  cache?: ResolvedAssetCache;
  /** The cache's generation when `prepare` answered quotes from it (a later reset makes them stale). */
  cacheGeneration?: number;
  copyFirst?: CopyFirstPolicies;
}

interface BatchEnd {
  written: WriteCounts;
  cursor: StreamCursor;
  /**
   * Records the database refused alone, as quarantine rows. Only those with a canonical row: one
   * without was quarantined already (its mapper's reason is kept, and it is counted once).
   */
  isolated: QuarantineRow[];
}

/** One record of a batch in the database: its raw payload and the canonical rows mapped from it. */
interface RowUnit {
  naturalKey: string;
  raw?: RawRow;
  quotes: PreparedQuote[];
  news: PreparedNews[];
}

const ZERO_WRITES: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicate: 0 };

function addWriteCounts(a: WriteCounts, b: WriteCounts): WriteCounts {
  return {
    inserted: a.inserted + b.inserted, updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged, duplicate: a.duplicate + b.duplicate,
  };
}

/** The batch as units, one per stored record, in the batch's order. */
function unitsOf(prepared: PreparedBatch): RowUnit[] {
  const units = new Map<string, RowUnit>();
  const unit = (naturalKey: string): RowUnit => {
    let u = units.get(naturalKey);
    if (!u) units.set(naturalKey, (u = { naturalKey, quotes: [], news: [] }));
    return u;
  };
  for (const r of prepared.rawRows) unit(r.naturalKey).raw = r;
  for (const q of prepared.quotes) unit(q.record.naturalKey).quotes.push(q);
  for (const n of prepared.newsItems) unit(n.record.naturalKey).news.push(n);
  return [...units.values()];
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

function candidateOf(source: string, q: CanonicalQuote): AssetCandidate {
  return {
    source, sourceAssetId: q.sourceAssetId, symbol: q.symbol, name: q.name, rank: q.rank,
    priceUsd: q.priceUsd, marketCapUsd: q.marketCapUsd, observedAt: q.observedAt, crosswalkKey: q.crosswalkKey ?? null,
  };
}

/** What makes a stored quote "changed" (its asset and key are not part of it). */
function quoteHash(q: CanonicalQuote): string {
  return contentHash([q.priceUsd, q.marketCapUsd, q.volume24hUsd, q.change24hPct, q.rank, q.circulatingSupply, q.totalSupply, q.maxSupply, q.sourceAssetId]);
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

function quarantineRow(source: string, stream: string, naturalKey: string | null, payload: Record<string, unknown>, reason: string): QuarantineRow {
  return { source, stream, naturalKey, payload, payloadHash: contentHash(payload), reason };
}

function dedupeQuarantine(rows: QuarantineRow[]): QuarantineRow[] {
  return [...new Map(rows.map((r) => [r.payloadHash, r])).values()];
}

function writtenQuote(assetId: string, q: CanonicalQuote): WrittenQuote {
  return {
    assetId, sourceAssetId: q.sourceAssetId, observedAt: q.observedAt,
    priceUsd: q.priceUsd, marketCapUsd: q.marketCapUsd, volume24hUsd: q.volume24hUsd,
  };
}
