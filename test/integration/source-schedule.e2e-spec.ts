import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Client } from 'pg';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

/** Issue 17 §2 (schedule row): `<SOURCE>_CRON` schedules one source on its own, apart from ETL_CRON. */
describe('per-source schedules', () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  let db: TestDatabase;

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(60));
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await upstream?.stop();
    await db?.drop();
  });

  async function scheduledRuns(): Promise<Array<{ sources: string[] }>> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const res = await c.query(`SELECT sources FROM etl_runs WHERE trigger = 'schedule' ORDER BY id`);
      return res.rows as Array<{ sources: string[] }>;
    } finally {
      await c.end();
    }
  }

  it('should run the overridden source on its own cron and leave the others on ETL_CRON', async () => {
    const app: NestFastifyApplication = await createTestApp({
      ...fixtureEnv,
      DATABASE_URL: db.url,
      ETL_SOURCES: 'csv,coinpaprika',
      ETL_SCHEDULER_ENABLED: 'true',
      // ETL_CRON fires once a year (never during the test); COINPAPRIKA_CRON every second.
      ETL_CRON: '0 0 1 1 *',
      COINPAPRIKA_CRON: '* * * * * *',
    });
    try {
      // The ETL's jobs (partition maintenance has its own hourly job).
      const jobs = [...app.get(SchedulerRegistry).getCronJobs().keys()].filter((k) => k.startsWith('etl-run')).sort();
      expect(jobs).toEqual(['etl-run', 'etl-run:coinpaprika']);
      const deadline = Date.now() + 15_000;
      while ((await scheduledRuns()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    } finally {
      await app.close();
    }

    const runs = await scheduledRuns();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => r.sources.length === 1 && r.sources[0] === 'coinpaprika')).toBe(true);
  });

  it.each([
    [
      { COINGECKO_CRON: '61 * * * *' },
      /COINGECKO_CRON="61 \* \* \* \*": COINGECKO_CRON is not a valid cron expression/,
    ],
    [{ ETL_CRON: '61 * * * *' }, /ETL_CRON="61 \* \* \* \*": ETL_CRON is not a valid cron expression/],
  ])('should fail boot naming the variable for %j', async (env, message) => {
    await expect(
      createTestApp({ ...fixtureEnv, DATABASE_URL: db.url, ETL_SOURCES: 'coingecko', ...env }),
    ).rejects.toThrow(message);
  });
});
