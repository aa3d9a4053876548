import { parseTrustProxy, type TrustProxySetting } from '../../common/http/trust-proxy.js';
import { EnvSchema } from './env.schema.js';
import { readSourceCrons } from './source-cron.js';
import { validateEnv } from './validate-env.js';

/** Typed, frozen application configuration, built once from the environment at boot. DI token. */
export abstract class AppConfig {
  abstract readonly port: number;
  abstract readonly databaseUrl: string | undefined;
  abstract readonly databaseConnectTimeoutSeconds: number;
  abstract readonly embeddedPg: { readonly dir: string; readonly port: number };
  abstract readonly logLevel: EnvSchema['LOG_LEVEL'];
  abstract readonly adminApiKey: string | undefined;
  abstract readonly appRole: EnvSchema['APP_ROLE'];
  abstract readonly etl: {
    readonly sources: readonly string[];
    /** ETL_PLUGINS: npm packages of external source plugins, in that order. */
    readonly plugins: readonly string[];
    readonly cron: string;
    /** `<SOURCE>_CRON` overrides of `cron`, by source id (only sources that set one). */
    readonly sourceCrons: Readonly<Record<string, string>>;
    readonly schedulerEnabled: boolean;
    readonly runOnStart: boolean;
    readonly batchSize: number;
    readonly failureInjection: string | undefined;
    readonly driftPolicy: 'evolve' | 'freeze';
    readonly driftRenameThreshold: number;
    readonly driftOptionalRenameThreshold: number;
    readonly driftRenameValueFactor: number;
    readonly driftBaselineAssets: number;
    readonly priceDivergencePct: number;
    readonly lookbackSeconds: number;
    readonly maxFutureSkewSeconds: number;
    readonly freshnessBudgetSeconds: number;
    /** Batches keep quote_rollups (1h / 1d) in their transaction. */
    readonly rollupsEnabled: boolean;
  };
  abstract readonly http: {
    readonly timeoutMs: number;
    readonly maxRetries: number;
    readonly retryBaseMs: number;
    readonly retryMaxWaitMs: number;
  };
  abstract readonly api: {
    readonly throttleLimit: number;
    readonly throttleTtlSeconds: number;
    readonly corsOrigins: string[] | '*';
    /** Which peers may set X-Forwarded-For/-Proto (off: none, the TCP peer is the client). */
    readonly trustProxy: TrustProxySetting;
    /** Throttle counters shared by every replica in this Redis; unset = per process. */
    readonly redisUrl: string | undefined;
    /** Key prefix of the throttle counters in Redis (deployments sharing one Redis use their own). */
    readonly throttleRedisPrefix: string;
    /** HSTS and CSP upgrade-insecure-requests: auto = only on requests that came over HTTPS. */
    readonly httpsSecurityHeaders: EnvSchema['HTTPS_SECURITY_HEADERS'];
    readonly compressionThresholdBytes: number;
    /** Whether the service compresses at all (COMPRESSION_ENABLED). */
    readonly compressionEnabled: boolean;
  };
  abstract readonly priceStream: {
    readonly heartbeatMs: number;
    readonly maxBufferBytes: number;
    readonly retentionSeconds: number;
  };
  /** Time partitions of market_quotes and raw_records, and how long each table keeps them. */
  abstract readonly storage: {
    readonly partitionInterval: EnvSchema['QUOTES_PARTITION_INTERVAL'];
    /** Undefined: kept for ever. */
    readonly quotesRetentionDays: number | undefined;
    readonly rawRetentionDays: number | undefined;
  };
}

export function buildAppConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const e = validateEnv(EnvSchema, env);
  const list = (s: string): string[] =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const sources = list(e.ETL_SOURCES);
  return deepFreeze({
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseConnectTimeoutSeconds: e.DATABASE_CONNECT_TIMEOUT_SECONDS,
    embeddedPg: { dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    logLevel: e.LOG_LEVEL,
    adminApiKey: e.ADMIN_API_KEY,
    appRole: e.APP_ROLE,
    etl: {
      sources,
      plugins: list(e.ETL_PLUGINS),
      cron: e.ETL_CRON.trim(),
      sourceCrons: readSourceCrons(sources, env),
      schedulerEnabled: e.ETL_SCHEDULER_ENABLED,
      runOnStart: e.ETL_RUN_ON_START,
      batchSize: e.ETL_BATCH_SIZE,
      failureInjection: e.ETL_FAILURE_INJECTION,
      driftPolicy: e.ETL_DRIFT_POLICY,
      driftRenameThreshold: e.ETL_DRIFT_RENAME_THRESHOLD,
      driftOptionalRenameThreshold: e.ETL_DRIFT_OPTIONAL_RENAME_THRESHOLD,
      driftRenameValueFactor: e.ETL_DRIFT_RENAME_VALUE_FACTOR,
      driftBaselineAssets: e.ETL_DRIFT_BASELINE_ASSETS,
      priceDivergencePct: e.ETL_PRICE_DIVERGENCE_PCT,
      lookbackSeconds: e.ETL_LOOKBACK_SECONDS,
      maxFutureSkewSeconds: e.ETL_MAX_FUTURE_SKEW_SECONDS,
      freshnessBudgetSeconds: e.ETL_FRESHNESS_BUDGET_SECONDS,
      rollupsEnabled: e.ETL_ROLLUPS_ENABLED,
    },
    http: {
      timeoutMs: e.HTTP_TIMEOUT_MS,
      maxRetries: e.HTTP_MAX_RETRIES,
      retryBaseMs: e.HTTP_RETRY_BASE_MS,
      retryMaxWaitMs: e.HTTP_RETRY_MAX_WAIT_MS,
    },
    api: {
      throttleLimit: e.API_THROTTLE_LIMIT,
      throttleTtlSeconds: e.API_THROTTLE_TTL_SECONDS,
      corsOrigins: e.CORS_ORIGINS.trim() === '*' ? '*' : list(e.CORS_ORIGINS),
      // Validated by the schema above, so the parse cannot fail here.
      trustProxy: parseTrustProxy(e.TRUST_PROXY) as TrustProxySetting,
      redisUrl: e.REDIS_URL,
      throttleRedisPrefix: e.THROTTLE_REDIS_PREFIX,
      httpsSecurityHeaders: e.HTTPS_SECURITY_HEADERS,
      compressionThresholdBytes: e.COMPRESSION_THRESHOLD_BYTES,
      compressionEnabled: e.COMPRESSION_ENABLED,
    },
    priceStream: {
      heartbeatMs: e.PRICE_STREAM_HEARTBEAT_MS,
      maxBufferBytes: e.PRICE_STREAM_MAX_BUFFER_BYTES,
      retentionSeconds: e.PRICE_EVENTS_RETENTION_SECONDS,
    },
    storage: {
      partitionInterval: e.QUOTES_PARTITION_INTERVAL,
      quotesRetentionDays: e.QUOTES_RETENTION_DAYS,
      rawRetentionDays: e.RAW_RETENTION_DAYS,
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
