import type { LoggerService } from '@nestjs/common';
import type { MapResult } from './canonical.types.js';

/**
 * THE PLUGIN CONTRACT. A data source is a Nest provider implementing `Extractor`, decorated with
 * `@SourcePlugin({ id })` and listed in its own module's `providers`. The ETL engine discovers it,
 * runs it on schedule and on demand, and takes care of checkpoints, retries, rate limits, drift
 * detection, quarantine, identity resolution and persistence. A plugin only fetches and maps.
 *
 * See docs/PLUGINS.md (in the service repository) for a walkthrough.
 */
export interface Extractor {
  /** Unique source id (`coingecko`). Matches `@SourcePlugin({ id })` and the ids in ETL_SOURCES. */
  readonly sourceId: string;

  /** The streams this source produces. Each has its own checkpoint. */
  readonly streams: readonly StreamDefinition[];

  /**
   * Requests per minute allowed against this source's upstream (token bucket shared by all its
   * streams). Defaults to 60. Operators override it with `<SOURCE>_RATE_LIMIT_PER_MIN`.
   */
  readonly rateLimitPerMinute?: number;

  /**
   * Survivorship priority for descriptive fields (name, rank) of canonical assets: a higher value
   * wins. Defaults to 0.
   */
  readonly priority?: number;

  /**
   * Streams batches of raw records, resuming after `context.cursor(stream)`. Each yielded batch
   * carries the cursor AFTER it; the engine commits the batch's rows and that cursor in one
   * transaction, so a crash at any instant resumes from the last committed batch.
   *
   * Rules: yield batches of at most `context.batchSize` records; never yield a cursor behind the
   * one you were given; stop promptly when `context.signal` aborts; make every outbound call
   * through `context.http` (it carries timeouts, retries and the rate limit).
   */
  extract(context: ExtractContext): AsyncIterable<ExtractedBatch>;

  /**
   * Maps one raw record of `stream` to a canonical record. MUST be pure (no I/O, no clock): the
   * same input always gives the same output. Return `rejected(reason)` for rows that cannot be
   * mapped; they are quarantined with that reason and the run continues.
   */
  map(record: RawRecord, stream: string): MapResult;

  /** Optional cheap reachability check of the upstream, used by health and the CLI. */
  probe?(context: ProbeContext): Promise<void>;

  /** Optional: the upstream serves history, so date ranges can be backfilled (see HistoryCapability). */
  readonly history?: HistoryCapability;
}

/** What a stream produces: market quotes (`CanonicalQuote`) or news (`CanonicalNews`). */
export type StreamKind = 'market_quotes' | 'news';

/** One stream of a source: its name, its record kind and the payload schema drift is checked against. */
export interface StreamDefinition {
  /** Stream name, unique within the source (`tickers`, `markets`, `quotes`, `articles`). */
  name: string;
  /** Which canonical records the mapper produces for this stream. */
  kind: StreamKind;
  /**
   * The fields this stream's raw payloads are expected to have, used for schema drift detection.
   * Nested fields use dotted paths (`quotes.USD.price`). Omit to disable drift detection.
   */
  expectedSchema?: readonly FieldSpec[];
}

/** JSON type of a payload field, for drift detection. */
export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** One expected field of a stream's raw payloads. */
export interface FieldSpec {
  /** Dotted path of the field in the raw payload. */
  path: string;
  /** Its type. A field declared `object` is a leaf: drift detection does not look inside it. */
  type: FieldType;
  /** A required field missing from a payload makes that row unusable (quarantined). */
  required?: boolean;
  /** Values may be null without that counting as a type change. */
  nullable?: boolean;
}

/** One upstream record, as received (after only lossless parsing, e.g. CSV row to object). */
export interface RawRecord {
  /**
   * Unique within source + stream, stable across runs: the same upstream record always gets the
   * same key (e.g. `btc-bitcoin@2025-01-22T17:39:28Z`). Used to deduplicate raw payloads.
   */
  naturalKey: string;
  payload: Record<string, unknown>;
}

/** Opaque, JSON-serialisable position of a stream. Owned by the source. */
export type StreamCursor = Record<string, unknown> & {
  /**
   * Optional high-water mark (ISO-8601 timestamp). When present the engine enforces that it never
   * moves backwards and never past the run's start time.
   */
  watermark?: string;
};

/** What `extract()` yields: up to `batchSize` records of one stream and the cursor after them. */
export interface ExtractedBatch {
  stream: string;
  records: RawRecord[];
  /** The stream's position after this batch. */
  cursor: StreamCursor;
  /**
   * Rows the extractor could not even turn into a record (e.g. a malformed CSV line). They are
   * quarantined with their reason, in the same transaction as the batch.
   */
  rejects?: Array<{ naturalKey?: string; payload: Record<string, unknown>; reason: string }>;
}

/** What the engine gives `extract()`: cursors, abort signal, HTTP client, logger and limits. */
export interface ExtractContext {
  /** The last committed cursor of `stream`, or undefined on the first run. */
  cursor(stream: string): StreamCursor | undefined;
  /** Aborted on shutdown or when the run is cancelled. */
  signal: AbortSignal;
  /** Rate-limited, retrying HTTP client for this source. */
  http: SourceHttpClient;
  logger: LoggerService;
  /** When this run started: incremental cursors must not move past it. */
  runStartedAt: Date;
  /** Maximum records per yielded batch. */
  batchSize: number;
  /** Seconds to re-read behind a watermark cursor (ETL_LOOKBACK_SECONDS). */
  lookbackSeconds: number;
}

/** What the engine gives `probe()`. */
export interface ProbeContext {
  http: SourceHttpClient;
  signal: AbortSignal;
}

/** Per-call options of {@link SourceHttpClient}. */
export interface HttpRequestOptions {
  /** Extra request headers (e.g. API keys). They are never logged. */
  headers?: Record<string, string>;
  /** Query parameters appended to the URL. */
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Overrides HTTP_TIMEOUT_MS for this call. */
  timeoutMs?: number;
}

/**
 * Outbound HTTP for a source: every call waits for a token of the source's rate limit, has a
 * timeout, and is retried on 408/429/5xx/timeouts/network errors with exponential backoff and full
 * jitter (Retry-After honoured as the minimum wait). 400/401/402/403/404 fail at once with a
 * message naming the source and the likely cause. Errors never contain API keys.
 */
export interface SourceHttpClient {
  /**
   * GET and parse JSON, losslessly: every number is a `JsonNumber` holding its decimal text as
   * received (see json-number.ts). Malformed JSON is an UpstreamError (not retried).
   */
  getJson<T = unknown>(url: string, options?: HttpRequestOptions): Promise<T>;
  /** GET the body as text (e.g. XML). */
  getText(url: string, options?: HttpRequestOptions): Promise<string>;
  /** GET and stream the body (for large payloads); the retry covers the response headers. */
  getStream(url: string, options?: HttpRequestOptions): Promise<NodeJS.ReadableStream>;
}

/**
 * Optional capability of a plugin whose upstream serves history: the engine can then backfill a
 * date range for some assets (POST /etl/backfills) without touching the incremental cursor. The
 * engine cuts [from, to) per asset into chunks of at most `maxChunkSeconds` (one request's worth
 * within the upstream's plan limits), records each chunk's completion, and after a crash resumes
 * at the next chunk. Batches go through the same drift check, mapping and identity resolution.
 */
export interface HistoryCapability {
  /** The stream history batches belong to (its own schema: history payloads differ from snapshots). */
  readonly stream: StreamDefinition;
  /** Longest range one chunk covers. */
  readonly maxChunkSeconds: number;
  /** Streams one asset's points with from <= observed < to, in batches of at most `context.batchSize`. */
  extractRange(context: HistoryContext): AsyncIterable<ExtractedBatch>;
  /** Maps one raw history record (pure, like `Extractor.map`). */
  map(record: RawRecord): MapResult;
}

/** What the engine gives `HistoryCapability.extractRange()`: one asset and one chunk of time. */
export interface HistoryContext {
  /** The asset, as the source knows it. */
  asset: { sourceAssetId: string; symbol: string; name: string | null };
  /** Inclusive start of the chunk. */
  from: Date;
  /** Exclusive end of the chunk. */
  to: Date;
  signal: AbortSignal;
  http: SourceHttpClient;
  logger: LoggerService;
  batchSize: number;
}
