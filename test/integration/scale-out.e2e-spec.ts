import { Client } from 'pg';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

/**
 * Two worker processes on one database with the same schedule: migrations run once, and each
 * source runs once per tick (the other instance records `skipped`), never twice at the same time.
 */
describe('two application instances on one database', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    ({ upstream, env: fixtureEnv } = await startFixtures(100));
    // Slow upstream answers make the two instances' runs overlap in time.
    upstream.faults.set('coingecko', [{ type: 'delay', ms: 1200, times: 1000 }]);
    upstream.faults.set('coinpaprika', [{ type: 'delay', ms: 1200, times: 1000 }]);
  });

  afterAll(async () => {
    for (const s of services) await s.stop();
    await upstream?.stop();
    await db?.drop();
  });

  it('should migrate once and run each source once per tick', async () => {
    const env = {
      ...fixtureEnv,
      DATABASE_URL: db.url,
      APP_ROLE: 'worker',
      ETL_SOURCES: 'coingecko,coinpaprika',
      ETL_SCHEDULER_ENABLED: 'true',
      ETL_RUN_ON_START: 'false',
      ETL_CRON: '*/3 * * * * *',
    };
    services.push(...(await Promise.all([startService(env), startService(env)])));
    await new Promise((r) => setTimeout(r, 8000));
    for (const s of services) await s.stop();

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const migrations = (await client.query(`SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name`))
        .rows;
      expect(migrations.every((m: { n: number }) => m.n === 1)).toBe(true);
      const runs = (
        await client.query(
          `SELECT source, status, instance_id, started_at, finished_at FROM etl_source_runs ORDER BY started_at`,
        )
      ).rows as Array<{
        source: string;
        status: string;
        instance_id: string;
        started_at: Date;
        finished_at: Date | null;
      }>;
      const succeeded = runs.filter((r) => r.status === 'succeeded');
      expect(succeeded.length).toBeGreaterThanOrEqual(2);
      expect(runs.some((r) => r.status === 'skipped')).toBe(true);
      for (const source of ['coingecko', 'coinpaprika']) {
        const mine = succeeded.filter((r) => r.source === source);
        for (let i = 1; i < mine.length; i++) {
          // Never two runs of one source at the same time: each starts after the previous ended.
          expect(mine[i].started_at.getTime()).toBeGreaterThanOrEqual(mine[i - 1].finished_at!.getTime());
        }
      }
      const [{ n }] = (
        await client.query(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM market_quotes GROUP BY asset_id, source, observed_at HAVING count(*) > 1) d`,
        )
      ).rows as Array<{ n: number }>;
      expect(n).toBe(0);
    } finally {
      await client.end();
    }
  });
});
