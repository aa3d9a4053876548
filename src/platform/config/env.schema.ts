import { Transform } from 'class-transformer';
import { SecretEnv } from '../../common/secrets/secret-variables.js';
import { IsCronExpression } from './cron-expression.js';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { parseTrustProxy } from '../../common/http/trust-proxy.js';
import { PARTITION_INTERVALS, type PartitionInterval } from './partition-interval.js';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

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
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8000;

  @SecretEnv()
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  EMBEDDED_PG_DIR = '.data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  /** How long boot keeps retrying an unreachable database (with backoff) before it gives up. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  DATABASE_CONNECT_TIMEOUT_SECONDS = 120;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @SecretEnv()
  @Transform(emptyToUndefined)
  @IsOptional()
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

  @Transform(toBoolean)
  @IsBoolean()
  ETL_SCHEDULER_ENABLED = true;

  @Transform(toBoolean)
  @IsBoolean()
  ETL_RUN_ON_START = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50000)
  ETL_BATCH_SIZE = 2000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ETL_FAILURE_INJECTION?: string;

  @IsIn(['evolve', 'freeze'])
  ETL_DRIFT_POLICY: 'evolve' | 'freeze' = 'evolve';

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  ETL_DRIFT_RENAME_THRESHOLD = 0.8;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  ETL_DRIFT_OPTIONAL_RENAME_THRESHOLD = 0.9;

  @Transform(toNumber)
  @IsNumber()
  @Min(1)
  ETL_DRIFT_RENAME_VALUE_FACTOR = 10;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000000)
  ETL_DRIFT_BASELINE_ASSETS = 1000;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  ETL_PRICE_DIVERGENCE_PCT = 5;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  ETL_LOOKBACK_SECONDS = 0;

  /** Observations stamped more than this many seconds after the run's start are quarantined. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(31_536_000)
  ETL_MAX_FUTURE_SKEW_SECONDS = 86400;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  ETL_FRESHNESS_BUDGET_SECONDS = 43200;

  /** false: batches do not maintain quote_rollups (a bulk load, or the ingestion benchmark's comparison); rebuild with `etl rollups --rebuild`. */
  @Transform(toBoolean)
  @IsBoolean()
  ETL_ROLLUPS_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  HTTP_TIMEOUT_MS = 15000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  HTTP_MAX_RETRIES = 5;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  HTTP_RETRY_BASE_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  HTTP_RETRY_MAX_WAIT_MS = 60000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  API_THROTTLE_LIMIT = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  API_THROTTLE_TTL_SECONDS = 60;

  @IsString()
  CORS_ORIGINS = '*';

  @IsTrustProxy()
  TRUST_PROXY = 'off';

  @SecretEnv()
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'THROTTLE_REDIS_PREFIX must be letters, digits, ":", "_" or "-"' })
  THROTTLE_REDIS_PREFIX = 'kasparro:throttle';

  @IsIn(HTTPS_HEADER_MODES)
  HTTPS_SECURITY_HEADERS: (typeof HTTPS_HEADER_MODES)[number] = 'auto';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  COMPRESSION_THRESHOLD_BYTES = 1024;

  /** Off when the ingress or CDN in front already compresses (no hook runs at all then). */
  @Transform(toBoolean)
  @IsBoolean()
  COMPRESSION_ENABLED = true;
  /** GET /stream/prices: a `: ping` comment line this often (milliseconds). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  PRICE_STREAM_HEARTBEAT_MS = 15000;

  /** A stream client with more than this many bytes not yet taken by its socket is dropped. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1_073_741_824)
  PRICE_STREAM_MAX_BUFFER_BYTES = 1_048_576;

  /** Price events older than this are pruned (Last-Event-ID replays only what is still kept). */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  PRICE_EVENTS_RETENTION_SECONDS = 3600;

  /** Width of one partition of market_quotes and raw_records (by observation time). */
  @IsIn(PARTITION_INTERVALS, { message: `QUOTES_PARTITION_INTERVAL must be one of: ${PARTITION_INTERVALS.join(', ')}` })
  QUOTES_PARTITION_INTERVAL: PartitionInterval = 'month';

  /** Whole quote partitions older than this many days are dropped; unset = kept for ever. */
  @Transform(toInt)
  @IsOptional()
  @IsInt({ message: 'QUOTES_RETENTION_DAYS must be a whole number of days' })
  @Min(1)
  QUOTES_RETENTION_DAYS?: number;

  /** Whole raw-payload partitions older than this many days are dropped; unset = kept for ever. */
  @Transform(toInt)
  @IsOptional()
  @IsInt({ message: 'RAW_RETENTION_DAYS must be a whole number of days' })
  @Min(1)
  RAW_RETENTION_DAYS?: number;
}
