import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { startFixtures } from '../support/fixture-env.js';

const CLI = path.join(__dirname, '../../dist/src/tools/cli/etl-cli.js');

/** Every rollup row, and the same computed directly from market_quotes (hours) and from those (days). */
const STORED = `SELECT bucket_interval, asset_id, source, bucket_start, open::text, high::text, low::text, close::text, volume::text, observations
                  FROM quote_rollups ORDER BY 1, 2, 3, 4`;
const DIRECT = `WITH h AS (
    SELECT asset_id, source, date_trunc('hour', observed_at AT TIME ZONE 'UTC') AS b, observed_at, price_usd, volume_24h_usd FROM market_quotes
  ), d AS (
    SELECT asset_id, source, date_trunc('day', observed_at AT TIME ZONE 'UTC') AS b, observed_at, price_usd, volume_24h_usd FROM market_quotes
  ), x AS (
    SELECT '1h' AS i, * FROM h UNION ALL SELECT '1d', * FROM d
  )
  SELECT i AS bucket_interval, asset_id, source, b AT TIME ZONE 'UTC' AS bucket_start,
         (array_agg(price_usd ORDER BY observed_at))[1]::text AS open, max(price_usd)::text AS high, min(price_usd)::text AS low,
         (array_agg(price_usd ORDER BY observed_at DESC))[1]::text AS close, (array_agg(volume_24h_usd ORDER BY observed_at DESC))[1]::text AS volume,
         count(*)::int AS observations
    FROM x GROUP BY i, asset_id, source, b ORDER BY 1, 2, 3, 4`;

/** Rollups kept by real ETL runs of the built CLI, and `etl rollups --rebuild` as operators run it. */
describe('etl rollups (CLI)', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(40);
    upstream = fixtures.upstream;
    env = {
      PATH: process.env.PATH,
      ...testEnv({ ...fixtures.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' }),
    } as NodeJS.ProcessEnv;
  });

  afterAll(async () => {
    await upstream?.stop();
    await db?.drop();
  });

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('should keep the rollups in each batch of a real run equal to a direct aggregation of the quotes', async () => {
    expect((await cli(['run', '--source', 'coingecko'])).status).toBe(0);
    upstream.advance(600_000);
    expect((await cli(['run', '--source', 'coingecko'])).status).toBe(0);

    const stored = await queryRows(db.url, STORED);
    expect(stored.length).toBeGreaterThanOrEqual(80);
    expect(stored).toEqual(await queryRows(db.url, DIRECT));
  });

  it('should skip the rollups with ETL_ROLLUPS_ENABLED=false, and the rebuild should then give exactly the incremental rows', async () => {
    expect((await cli(['run', '--source', 'coinpaprika'], { ETL_ROLLUPS_ENABLED: 'false' })).status).toBe(0);
    const paprika = await queryRows<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM quote_rollups WHERE source = 'coinpaprika'`,
    );
    expect(paprika[0].n).toBe(0);
    const before = await queryRows(db.url, STORED);

    const res = await cli(['rollups', '--rebuild', '--json']);

    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      msg: 'rollups rebuilt',
      chunks: expect.any(Number),
      hours_written: expect.any(Number),
      days_written: expect.any(Number),
    });
    expect(out.hours_written).toBeGreaterThan(0);
    const after = await queryRows(db.url, STORED);
    expect(after).toEqual(await queryRows(db.url, DIRECT));
    // The coingecko rows the batches kept were already right: the rebuild only added coinpaprika's.
    expect(after.filter((r) => r.source === 'coingecko')).toEqual(before.filter((r) => r.source === 'coingecko'));
  });

  it('should be idempotent: a second rebuild over a range writes nothing', async () => {
    const [{ first }] = await queryRows<{ first: Date }>(db.url, `SELECT min(observed_at) AS first FROM market_quotes`);
    const day = Math.floor(first.getTime() / 86_400_000) * 86_400_000;
    const res = await cli([
      'rollups',
      '--rebuild',
      '--from',
      new Date(day).toISOString(),
      '--to',
      new Date(day + 2 * 86_400_000).toISOString(),
      '--json',
    ]);

    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ chunks: 2, hours_written: 0, days_written: 0 });
  });

  it('should exit 2 with the usage on stderr when --rebuild is missing', async () => {
    const res = await cli(['rollups']);

    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/"rollups" needs --rebuild[\s\S]*Usage/);
  });
});
