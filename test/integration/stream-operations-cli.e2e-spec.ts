import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import type { FixtureUpstream } from '../../src/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { startFixtures } from '../support/fixture-env.js';
import { TEST_SOURCE_ID, TestPluginModule, TestQuotesExtractor } from '../support/test-plugin/test-quotes.extractor.js';

const CLI = path.join(__dirname, '../../dist/src/cli/etl-cli.js');

async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** reset, replay and cancel from the one-shot CLI (built dist/), against the fixture upstreams. */
describe('etl CLI stream operations', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(50);
    upstream = fixtures.upstream;
    env = { PATH: process.env.PATH, ...testEnv({ ...fixtures.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' }) } as NodeJS.ProcessEnv;
  });

  afterAll(async () => {
    await upstream?.stop();
    await db?.drop();
  });

  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; out: Record<string, unknown>; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => {
        const last = stdout.trim().split('\n').pop();
        resolve({ status, out: last ? (JSON.parse(last) as Record<string, unknown>) : {}, stderr });
      });
    });
  const quotes = async () => (await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM market_quotes`))[0].n;

  it('should reset a source and re-run it with the same rows as before', async () => {
    expect((await cli('run', '--source', 'coingecko')).status).toBe(0);
    const before = await quotes();

    const reset = await cli('reset', '--source', 'coingecko');

    expect(reset.status).toBe(0);
    expect(reset.out).toEqual({ msg: 'streams reset', source: 'coingecko', streams_reset: ['markets'] });
    expect(await sql(db, `SELECT stream, cursor FROM etl_checkpoints WHERE source = 'coingecko'`)).toEqual([{ stream: 'markets', cursor: {} }]);
    const again = await cli('run', '--source', 'coingecko');
    expect(again.status).toBe(0);
    expect(await quotes()).toBe(before);
  });

  it('should refuse to reset an unknown stream and exit 1', async () => {
    const res = await cli('reset', '--source', 'coingecko', '--stream', 'nope');
    expect(res.status).toBe(1);
    expect(res.out).toMatchObject({ msg: 'refused', error: 'UnknownStreamError' });
  });

  it('should replay the csv quarantine and leave rows that still fail open, with no new entry', async () => {
    expect((await cli('run', '--source', 'csv')).status).toBe(0);
    const before = await sql(db, `SELECT id, payload_hash, status FROM quarantined_records WHERE source = 'csv' ORDER BY id`);
    expect(before.length).toBeGreaterThan(0);

    const res = await cli('replay', '--source', 'csv');

    expect(res.status).toBe(0);
    expect(res.out).toMatchObject({ msg: 'replay finished', replayed: before.length, status: 'succeeded' });
    expect(await sql(db, `SELECT id, payload_hash, status FROM quarantined_records WHERE source = 'csv' ORDER BY id`)).toEqual(before);
    expect(await sql(db, `SELECT trigger, status FROM etl_runs WHERE id = $1`, [res.out.run_id])).toEqual([{ trigger: 'replay', status: 'succeeded' }]);
  });

  it('should cancel a run executing in another process, and refuse finished or unknown runs', async () => {
    const app: NestFastifyApplication = await createTestApp({ DATABASE_URL: db.url, ETL_SOURCES: TEST_SOURCE_ID, ETL_BATCH_SIZE: '25' }, [TestPluginModule.register()]);
    try {
      // Slow enough (4 batches of 1.5 s) for the CLI process to boot and cancel mid-run.
      TestQuotesExtractor.dataset = { assets: 10, points: 10, delayMs: 1500 };
      const runner = app.get(EtlRunner);
      const firstBatch = firstValueFrom(runner.events$.pipe(filter((e) => e.type === 'batch_committed')));
      const handle = await runner.start({ trigger: 'manual' });
      await firstBatch;

      const res = await cli('cancel', handle.runId);
      const summary = await handle.done;

      expect(res.status).toBe(0);
      expect(res.out).toEqual({ msg: 'run cancelling', run_id: handle.runId, status: 'cancelling' });
      expect(summary.status).toBe('cancelled');
      expect(summary.sources[TEST_SOURCE_ID].status).toBe('cancelled');
      const finished = await cli('cancel', handle.runId);
      expect(finished.status).toBe(1);
      expect(finished.out).toMatchObject({ msg: 'refused', error: 'RunFinishedError' });
      expect((await cli('cancel', '987654')).out).toMatchObject({ msg: 'refused', error: 'RunNotFoundError' });
    } finally {
      TestQuotesExtractor.dataset = { assets: 10, points: 20 };
      await app.close();
    }
  });
});
