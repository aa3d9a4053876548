import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { startFixtures } from '../support/fixture-env.js';

const CLI = path.join(__dirname, '../../dist/src/tools/cli/etl-cli.js');

/** The one-shot CLI (`npm run etl -- ...`), run as operators and CronJobs run it. */
describe('etl CLI', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(50);
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

  // Asynchronous on purpose: the fixture upstream lives in this process and must keep answering.
  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('should run one source, print a JSON summary off a TTY and exit 0', async () => {
    const res = await cli('run', '--source', 'coingecko');

    expect(res.status).toBe(0);
    const summary = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({
      msg: 'etl run finished',
      status: 'succeeded',
      sources: { coingecko: { status: 'succeeded', totals: { extracted: 50 } } },
    });
  });

  it('should exit 1 when a source fails', async () => {
    upstream.faults.set('rss', [{ type: 'status', status: 404 }]);
    const res = await cli('run', '--source', 'rss');

    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout.trim().split('\n').pop()!).sources.rss.status).toBe('failed');
  });

  it('should list sources and show status', async () => {
    const sources = JSON.parse((await cli('sources', '--json')).stdout.trim().split('\n').pop()!);
    expect(sources.sources.map((s: any) => s.id)).toEqual(['coingecko', 'coinpaprika', 'csv', 'rss']);
    const status = JSON.parse((await cli('status', '--json')).stdout.trim().split('\n').pop()!);
    expect(status.sources.map((s: any) => [s.source, s.status])).toEqual([
      ['coingecko', 'succeeded'],
      ['rss', 'failed'],
    ]);
    expect(status.sources.find((s: any) => s.source === 'coingecko').records_inserted).toBe(50);
  });

  it('should recount the row counters from the tables (a repair after a bulk operation)', async () => {
    await queryRows(
      db.url,
      `UPDATE source_counters SET rows = 7 WHERE source = 'coingecko' AND table_name = 'market_quotes'`,
    );

    const res = await cli('recount', '--source', 'coingecko', '--json');

    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout.trim().split('\n').pop()!)).toMatchObject({
      msg: 'counters recounted',
      source: 'coingecko',
      counters: { coingecko: { market_quotes: 50 } },
    });
  });

  it('should refuse unknown commands with the usage and exit 2', async () => {
    const res = await cli('launch');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/unknown command "launch"[\s\S]*Usage: npm run etl/);
  });
});
