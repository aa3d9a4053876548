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
    expect(() => buildAppConfig({ ADMIN_API_KEY: 'short' })).toThrow(/ADMIN_API_KEY=<redacted>: ADMIN_API_KEY must be at least 16/);
    expect(() => buildAppConfig({ ADMIN_API_KEY: 'short' })).not.toThrow(/short/);
  });

  it.each([
    ['every day', /needs 5 or 6 fields/],
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

  it('should return a frozen object', () => {
    const config = buildAppConfig({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.etl)).toBe(true);
  });
});
