import { EnvSchema } from './env.schema.js';
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
    readonly cron: string;
    readonly schedulerEnabled: boolean;
    readonly runOnStart: boolean;
    readonly batchSize: number;
    readonly failureInjection: string | undefined;
    readonly driftPolicy: 'evolve' | 'freeze';
    readonly driftRenameThreshold: number;
    readonly priceDivergencePct: number;
    readonly lookbackSeconds: number;
    readonly freshnessBudgetSeconds: number;
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
  };
}

export function buildAppConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const e = validateEnv(EnvSchema, env);
  const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);
  return deepFreeze({
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseConnectTimeoutSeconds: e.DATABASE_CONNECT_TIMEOUT_SECONDS,
    embeddedPg: { dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    logLevel: e.LOG_LEVEL,
    adminApiKey: e.ADMIN_API_KEY,
    appRole: e.APP_ROLE,
    etl: {
      sources: list(e.ETL_SOURCES),
      cron: e.ETL_CRON.trim(),
      schedulerEnabled: e.ETL_SCHEDULER_ENABLED,
      runOnStart: e.ETL_RUN_ON_START,
      batchSize: e.ETL_BATCH_SIZE,
      failureInjection: e.ETL_FAILURE_INJECTION,
      driftPolicy: e.ETL_DRIFT_POLICY,
      driftRenameThreshold: e.ETL_DRIFT_RENAME_THRESHOLD,
      priceDivergencePct: e.ETL_PRICE_DIVERGENCE_PCT,
      lookbackSeconds: e.ETL_LOOKBACK_SECONDS,
      freshnessBudgetSeconds: e.ETL_FRESHNESS_BUDGET_SECONDS,
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
