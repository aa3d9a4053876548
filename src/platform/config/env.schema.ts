import { SecretEnv } from '../../common/secrets/secret-variables.js';
import { IsCronExpression } from './cron-expression.js';
import { IsIn, IsString, Matches, MinLength, ValidateBy } from 'class-validator';
import { BooleanEnv, IntEnv, NumberEnv, OptionalEnv } from './env-decorators.js';
import { parseTrustProxy } from '../../common/http/trust-proxy.js';
import { PARTITION_INTERVALS, type PartitionInterval } from './partition-interval.js';

/** TRUST_PROXY: off, a hop count or a list of proxy CIDRs (the parser's message names what is wrong). */
const trustProxyError = (value: unknown): string | undefined => {
  const parsed = parseTrustProxy(typeof value === 'string' ? value : String(value));
  return typeof parsed === 'object' && !Array.isArray(parsed) ? parsed.error : undefined;
};
const IsTrustProxy = (): PropertyDecorator =>
  ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value) => trustProxyError(value) === undefined,
      defaultMessage: (args) => trustProxyError(args?.value) ?? '',
    },
  });

export const HTTPS_HEADER_MODES = ['auto', 'always', 'never'] as const;
export const APP_ROLES = ['all', 'api', 'worker'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Cross-cutting environment variables. Source-specific variables live with their source module.
 * Names are a public contract: operators, compose files and tests set them.
 */
export class EnvSchema {
  @IntEnv({ min: 0, max: 65535 })
  PORT = 8000;

  @SecretEnv()
  @OptionalEnv()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  EMBEDDED_PG_DIR = '.data/postgres';

  @IntEnv({ min: 1024, max: 65535 })
  EMBEDDED_PG_PORT = 54329;

  /** How long boot keeps retrying an unreachable database (with backoff) before it gives up. */
  @IntEnv({ min: 0, max: 3600 })
  DATABASE_CONNECT_TIMEOUT_SECONDS = 120;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @SecretEnv()
  @OptionalEnv()
  @IsString()
  @MinLength(16, { message: 'ADMIN_API_KEY must be at least 16 characters' })
  ADMIN_API_KEY?: string;

  @IsIn(APP_ROLES)
  APP_ROLE: (typeof APP_ROLES)[number] = 'all';

  @Matches(/^\s*[a-z0-9_-]+(\s*,\s*[a-z0-9_-]+)*\s*$|^\s*$/, {
    message: 'ETL_SOURCES must be a comma-separated list of source ids (e.g. csv,coinpaprika)',
  })
  ETL_SOURCES = 'csv,coinpaprika,coingecko,rss';

  /** npm packages of external source plugins, loaded at boot from the service's node_modules (docs/PLUGINS.md). */
  @Matches(
    /^\s*(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(\s*,\s*(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*)*\s*$|^\s*$/,
    {
      message: 'ETL_PLUGINS must be a comma-separated list of npm package names (e.g. kraken-source,@acme/etl-source)',
    },
  )
  ETL_PLUGINS = '';

  /** Default schedule of every source; `<SOURCE>_CRON` overrides it per source (see source-cron.ts). */
  @IsCronExpression()
  ETL_CRON = '0 */6 * * *';

  @BooleanEnv()
  ETL_SCHEDULER_ENABLED = true;

  @BooleanEnv()
  ETL_RUN_ON_START = true;

  @IntEnv({ min: 1, max: 50000 })
  ETL_BATCH_SIZE = 2000;

  @OptionalEnv()
  @IsString()
  ETL_FAILURE_INJECTION?: string;

  @IsIn(['evolve', 'freeze'])
  ETL_DRIFT_POLICY: 'evolve' | 'freeze' = 'evolve';

  @NumberEnv({ min: 0, max: 1 })
  ETL_DRIFT_RENAME_THRESHOLD = 0.8;

  @NumberEnv({ min: 0, max: 1 })
  ETL_DRIFT_OPTIONAL_RENAME_THRESHOLD = 0.9;

  @NumberEnv({ min: 1 })
  ETL_DRIFT_RENAME_VALUE_FACTOR = 10;

  @IntEnv({ min: 0, max: 1000000 })
  ETL_DRIFT_BASELINE_ASSETS = 1000;

  @NumberEnv({ min: 0 })
  ETL_PRICE_DIVERGENCE_PCT = 5;

  @IntEnv({ min: 0 })
  ETL_LOOKBACK_SECONDS = 0;

  /** Observations stamped more than this many seconds after the run's start are quarantined. */
  @IntEnv({ min: 0, max: 31_536_000 })
  ETL_MAX_FUTURE_SKEW_SECONDS = 86400;

  @IntEnv({ min: 1 })
  ETL_FRESHNESS_BUDGET_SECONDS = 43200;

  /** false: batches do not maintain quote_rollups (a bulk load, or the ingestion benchmark's comparison); rebuild with `etl rollups --rebuild`. */
  @BooleanEnv()
  ETL_ROLLUPS_ENABLED = true;

  @IntEnv({ min: 100 })
  HTTP_TIMEOUT_MS = 15000;

  @IntEnv({ min: 0 })
  HTTP_MAX_RETRIES = 5;

  @IntEnv({ min: 0 })
  HTTP_RETRY_BASE_MS = 500;

  @IntEnv({ min: 0 })
  HTTP_RETRY_MAX_WAIT_MS = 60000;

  @IntEnv({ min: 1 })
  API_THROTTLE_LIMIT = 300;

  @IntEnv({ min: 1 })
  API_THROTTLE_TTL_SECONDS = 60;

  @IsString()
  CORS_ORIGINS = '*';

  @IsTrustProxy()
  TRUST_PROXY = 'off';

  @SecretEnv()
  @OptionalEnv()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'THROTTLE_REDIS_PREFIX must be letters, digits, ":", "_" or "-"' })
  THROTTLE_REDIS_PREFIX = 'kasparro:throttle';

  @IsIn(HTTPS_HEADER_MODES)
  HTTPS_SECURITY_HEADERS: (typeof HTTPS_HEADER_MODES)[number] = 'auto';

  @IntEnv({ min: 0 })
  COMPRESSION_THRESHOLD_BYTES = 1024;

  /** Off when the ingress or CDN in front already compresses (no hook runs at all then). */
  @BooleanEnv()
  COMPRESSION_ENABLED = true;
  /** GET /stream/prices: a `: ping` comment line this often (milliseconds). */
  @IntEnv({ min: 100, max: 3_600_000 })
  PRICE_STREAM_HEARTBEAT_MS = 15000;

  /** A stream client with more than this many bytes not yet taken by its socket is dropped. */
  @IntEnv({ min: 1024, max: 1_073_741_824 })
  PRICE_STREAM_MAX_BUFFER_BYTES = 1_048_576;

  /** Price events older than this are pruned (Last-Event-ID replays only what is still kept). */
  @IntEnv({ min: 60, max: 2_592_000 })
  PRICE_EVENTS_RETENTION_SECONDS = 3600;

  /** Width of one partition of market_quotes and raw_records (by observation time). */
  @IsIn(PARTITION_INTERVALS, { message: `QUOTES_PARTITION_INTERVAL must be one of: ${PARTITION_INTERVALS.join(', ')}` })
  QUOTES_PARTITION_INTERVAL: PartitionInterval = 'month';

  /** Whole quote partitions older than this many days are dropped; unset = kept for ever. */
  @IntEnv({ min: 1, optional: true, message: 'QUOTES_RETENTION_DAYS must be a whole number of days' })
  QUOTES_RETENTION_DAYS?: number;

  /** Whole raw-payload partitions older than this many days are dropped; unset = kept for ever. */
  @IntEnv({ min: 1, optional: true, message: 'RAW_RETENTION_DAYS must be a whole number of days' })
  RAW_RETENTION_DAYS?: number;
}
