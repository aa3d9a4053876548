import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCsv } from '../../bench/generate-csv.js';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';
import { startService } from '../support/service-process.js';
import { businessContent, query } from './compare.js';
import { scale } from './scale.js';

const KILLS = scale(8, 25);
const ROWS = scale(20_000, 200_000);

async function waitForCompleteRun(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM etl_runs WHERE status = 'succeeded'`);
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('no complete run in time');
}

/**
 * The real service (`node dist/src/main.js`) ingesting a large CSV and the fixture upstreams is
 * SIGKILLed at random moments, restarted each time, then allowed to finish. Every table must then
 * hold exactly what one clean, uninterrupted run stores.
 */
describe(`crash consistency: kill -9 at random moments (${KILLS} kills, ${ROWS} CSV rows)`, () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  let csvDir: string;
  const dbs: TestDatabase[] = [];

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(600));
    csvDir = mkdtempSync(path.join(tmpdir(), 'kasparro-crash-'));
    chmodSync(csvDir, 0o755);
    await generateCsv(csvDir, ROWS, 500);
  });

  afterAll(async () => {
    await upstream?.stop();
    rmSync(csvDir, { recursive: true, force: true });
    for (const db of dbs) await db.drop();
  });

  it(
    'should store exactly what a clean run stores: no duplicate, no gap, every killed run abandoned',
    async () => {
      const env = (db: TestDatabase) => ({
        ...fixtureEnv,
        DATABASE_URL: db.url,
        CSV_SOURCE_DIR: csvDir,
        ETL_BATCH_SIZE: '500',
        ETL_RUN_ON_START: 'true',
        ETL_SCHEDULER_ENABLED: 'false',
        LOG_LEVEL: 'warn',
      });

      const clean = await createTestDatabase();
      dbs.push(clean);
      const reference = await startService(env(clean));
      await waitForCompleteRun(clean.url);
      await reference.stop();

      const chaos = await createTestDatabase();
      dbs.push(chaos);
      let killed = 0;
      for (let i = 0; i < KILLS; i++) {
        // Killed while its start-up run is in flight: a random moment after it became ready.
        const service = await startService(env(chaos));
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 1400));
        await service.stop('SIGKILL');
        killed += 1;
      }
      const last = await startService(env(chaos));
      await waitForCompleteRun(chaos.url);
      await last.stop();

      const [expected, actual] = await Promise.all([businessContent(clean.url), businessContent(chaos.url)]);
      for (const table of Object.keys(expected)) {
        expect({ table, rows: actual[table].length }).toEqual({ table, rows: expected[table].length });
        expect(actual[table]).toEqual(expected[table]);
      }
      const ledger = await query<{ status: string; n: number }>(
        chaos.url,
        `SELECT status, count(*)::int AS n FROM etl_source_runs GROUP BY status`,
      );
      const byStatus = Object.fromEntries(ledger.map((r) => [r.status, r.n]));
      expect(byStatus.running).toBeUndefined();
      expect(byStatus.abandoned).toBeGreaterThan(0);
      expect(await query(chaos.url, `SELECT id FROM etl_runs WHERE status = 'running'`)).toEqual([]);
      process.stdout.write(
        `[reliability] crash: ${killed} kills, ledger ${JSON.stringify(byStatus)}, quotes ${actual.quotes.length}, raw ${actual.raw.length}, lost 0\n`,
      );
    },
    scale(240_000, 1_800_000),
  );
});
