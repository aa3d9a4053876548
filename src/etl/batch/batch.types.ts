import type { EntityManager } from 'typeorm';
import type { ResolvedAssetCache } from '../../catalog/resolved-asset-cache.js';
import type { SourceFence } from '../checkpoint/source-lease.repository.js';
import type { DriftFinding, DriftInspection } from '../drift/drift.service.js';
import type { CanonicalNews, CanonicalQuote } from '../extractor/canonical.types.js';
import type {
  ExtractedBatch,
  Extractor,
  RawRecord,
  StreamCursor,
  StreamDefinition,
} from '../extractor/extractor.interface.js';
import type { BatchCounts } from '../ledger/batch-counts.js';
import { CopyFirstPolicy, type CopyText } from '../load/copy-rows.js';
import type { QuarantineRow } from '../quarantine/quarantine.repository.js';
import type { RawRow } from '../raw/raw-record.repository.js';

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
  /** The same raw rows one by one, for row isolation (see `BatchWriter.commit`). */
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
