import { buildAppConfig } from './app-config.js';
import { InvalidEnvironmentError } from './validate-env.js';

describe('buildAppConfig', () => {
  it('should apply the documented defaults when the environment is empty', () => {
    const config = buildAppConfig({});

    expect(config.port).toBe(8000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.embeddedPg).toEqual({ dir: '.data/postgres', port: 54329 });
    expect(config.etl.sources).toEqual(['csv', 'coinpaprika', 'coingecko', 'rss']);
    expect(config.etl.cron).toBe('0 */6 * * *');
    expect(config.etl.schedulerEnabled).toBe(true);
    expect(config.etl.runOnStart).toBe(true);
    expect(config.adminApiKey).toBeUndefined();
    expect(config.appRole).toBe('all');
  });

  it('should parse typed values and lists', () => {
    const config = buildAppConfig({
      PORT: '9001',
      ETL_SOURCES: 'csv, rss',
      ETL_SCHEDULER_ENABLED: 'false',
      ETL_RUN_ON_START: '0',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });

    expect(config.port).toBe(9001);
    expect(config.etl.sources).toEqual(['csv', 'rss']);
    expect(config.etl.schedulerEnabled).toBe(false);
    expect(config.etl.runOnStart).toBe(false);
    expect(config.databaseUrl).toBe('postgres://u:p@db:5432/x');
    expect(config.api.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('should treat empty strings as unset', () => {
    const config = buildAppConfig({ DATABASE_URL: '', ADMIN_API_KEY: '', PORT: '' });

    expect(config.databaseUrl).toBeUndefined();
    expect(config.adminApiKey).toBeUndefined();
    expect(config.port).toBe(8000);
  });

  it('should name every invalid variable and what is allowed', () => {
    let error: unknown;
    try {
      buildAppConfig({ PORT: 'eighty', ETL_SCHEDULER_ENABLED: 'maybe', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT="eighty"/);
    expect(message).toMatch(/ETL_SCHEDULER_ENABLED="maybe": .*boolean/);
    expect(message).toMatch(/LOG_LEVEL="loud": .*(fatal|one of)/);
    expect(message).toMatch(/DATABASE_URL=<redacted>: DATABASE_URL must be a postgres/);
  });

  it('should never echo a secret value in the error', () => {
    expect(() => buildAppConfig({ ADMIN_API_KEY: 'short' })).toThrow(
      /ADMIN_API_KEY=<redacted>: ADMIN_API_KEY must be at least 16/,
    );
    expect(() => buildAppConfig({ ADMIN_API_KEY: 'short' })).not.toThrow(/short/);
  });

  it('should default ETL_MAX_FUTURE_SKEW_SECONDS to one day and fail fast on a bad value, naming it', () => {
    expect(buildAppConfig({}).etl.maxFutureSkewSeconds).toBe(86400);
    expect(buildAppConfig({ ETL_MAX_FUTURE_SKEW_SECONDS: '0' }).etl.maxFutureSkewSeconds).toBe(0);
    for (const bad of ['-1', 'soon', '1.5', '31536001']) {
      expect(() => buildAppConfig({ ETL_MAX_FUTURE_SKEW_SECONDS: bad })).toThrow(
        /ETL_MAX_FUTURE_SKEW_SECONDS=[^:]+: ETL_MAX_FUTURE_SKEW_SECONDS must/,
      );
    }
  });

  it('should read the price stream settings (15 s heartbeat by default) and fail fast on a bad value, naming it', () => {
    expect(buildAppConfig({}).priceStream).toEqual({
      heartbeatMs: 15000,
      maxBufferBytes: 1_048_576,
      retentionSeconds: 3600,
    });
    expect(buildAppConfig({ PRICE_STREAM_HEARTBEAT_MS: '200' }).priceStream.heartbeatMs).toBe(200);
    for (const [name, bad] of [
      ['PRICE_STREAM_HEARTBEAT_MS', '10'],
      ['PRICE_STREAM_MAX_BUFFER_BYTES', 'lots'],
      ['PRICE_EVENTS_RETENTION_SECONDS', '5'],
    ]) {
      expect(() => buildAppConfig({ [name]: bad })).toThrow(new RegExp(`${name}=[^:]+: ${name} must`));
    }
  });

  it('should partition monthly and keep everything by default, and fail fast on bad storage settings, naming them', () => {
    expect(buildAppConfig({}).storage).toEqual({
      partitionInterval: 'month',
      quotesRetentionDays: undefined,
      rawRetentionDays: undefined,
    });
    expect(
      buildAppConfig({ QUOTES_PARTITION_INTERVAL: 'day', QUOTES_RETENTION_DAYS: '400', RAW_RETENTION_DAYS: '30' })
        .storage,
    ).toEqual({ partitionInterval: 'day', quotesRetentionDays: 400, rawRetentionDays: 30 });
    expect(() => buildAppConfig({ QUOTES_PARTITION_INTERVAL: 'year' })).toThrow(
      /QUOTES_PARTITION_INTERVAL="year": QUOTES_PARTITION_INTERVAL must be one of: month, week, day/,
    );
    for (const bad of ['0', '-3', '1.5', 'forever']) {
      expect(() => buildAppConfig({ QUOTES_RETENTION_DAYS: bad })).toThrow(/QUOTES_RETENTION_DAYS=/);
      expect(() => buildAppConfig({ RAW_RETENTION_DAYS: bad })).toThrow(/RAW_RETENTION_DAYS=/);
    }
  });

  it('should read the API hardening settings, off / per process / auto by default', () => {
    expect(buildAppConfig({}).api).toEqual(
      expect.objectContaining({
        trustProxy: false,
        redisUrl: undefined,
        httpsSecurityHeaders: 'auto',
        compressionThresholdBytes: 1024,
      }),
    );
    const api = buildAppConfig({
      TRUST_PROXY: '10.0.0.0/8, 192.168.1.10',
      REDIS_URL: 'rediss://:pw@redis:6380/1',
      HTTPS_SECURITY_HEADERS: 'always',
    }).api;
    expect([api.trustProxy, api.redisUrl, api.httpsSecurityHeaders]).toEqual([
      ['10.0.0.0/8', '192.168.1.10'],
      'rediss://:pw@redis:6380/1',
      'always',
    ]);
    expect(buildAppConfig({ TRUST_PROXY: '2' }).api.trustProxy).toBe(2);
  });

  it.each([
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY="true": TRUST_PROXY must be off, a hop count/],
    [{ TRUST_PROXY: '10.0.0.0/99' }, /TRUST_PROXY=.*not understood: 10\.0\.0\.0\/99/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL=<redacted>: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ HTTPS_SECURITY_HEADERS: 'sometimes' }, /HTTPS_SECURITY_HEADERS/],
    [{ COMPRESSION_THRESHOLD_BYTES: '-1' }, /COMPRESSION_THRESHOLD_BYTES/],
    [{ COMPRESSION_ENABLED: 'sometimes' }, /COMPRESSION_ENABLED/],
  ])('should refuse %j at boot naming the variable', (env, message) => {
    expect(() => buildAppConfig(env)).toThrow(message);
  });

  it.each([
    ['every day', /5 or 6 fields/],
    ['61 * * * *', /out of range/],
    ['0 25 * * *', /out of range/],
    ['* * * 13 *', /out of range/],
    ['*/0 * * * *', /ETL_CRON/],
    ['0 0 * * 8-9', /out of range/],
  ])('should reject the cron expression %p at boot, naming ETL_CRON', (cron, why) => {
    expect(() => buildAppConfig({ ETL_CRON: cron })).toThrow(/ETL_CRON/);
    expect(() => buildAppConfig({ ETL_CRON: cron })).toThrow(why);
  });

  const valid = ['0 */6 * * *', '*/5 * * * * *', '15 3 * * 1-5', '0 0 1 1 *'];
  it.each(valid)('should accept the cron expression %p', (cron) => {
    expect(buildAppConfig({ ETL_CRON: cron }).etl.cron).toBe(cron);
  });

  it('should reject a malformed cron expression', () => {
    expect(() => buildAppConfig({ ETL_CRON: 'every day' })).toThrow(/ETL_CRON/);
  });

  it('should default and validate the rename rule variables', () => {
    expect(buildAppConfig({}).etl).toMatchObject({
      driftRenameThreshold: 0.8,
      driftOptionalRenameThreshold: 0.9,
      driftRenameValueFactor: 10,
      driftBaselineAssets: 1000,
    });
    expect(() => buildAppConfig({ ETL_DRIFT_OPTIONAL_RENAME_THRESHOLD: '1.5' })).toThrow(
      /ETL_DRIFT_OPTIONAL_RENAME_THRESHOLD=1.5: .*greater than 1/,
    );
    expect(() => buildAppConfig({ ETL_DRIFT_RENAME_VALUE_FACTOR: '0.5' })).toThrow(
      /ETL_DRIFT_RENAME_VALUE_FACTOR=0.5: .*less than 1/,
    );
    expect(() => buildAppConfig({ ETL_DRIFT_BASELINE_ASSETS: 'many' })).toThrow(/ETL_DRIFT_BASELINE_ASSETS="many"/);
  });

  it('should return a frozen object', () => {
    const config = buildAppConfig({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.etl)).toBe(true);
  });
});
