import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { startFixtures } from '../support/fixture-env.js';
import { TEST_SOURCE_ID, TestPluginModule, TestQuotesExtractor } from '../support/test-plugin/test-quotes.extractor.js';

const CLI = path.join(__dirname, '../../dist/src/tools/cli/etl-cli.js');

async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  return queryRows<T>(db.url, text, params);
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
    env = {
      PATH: process.env.PATH,
      ...testEnv({ ...fixtures.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' }),
    } as NodeJS.ProcessEnv;
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
    expect(await sql(db, `SELECT stream, cursor FROM etl_checkpoints WHERE source = 'coingecko'`)).toEqual([
      { stream: 'markets', cursor: {} },
    ]);
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
    const before = await sql(
      db,
      `SELECT id, payload_hash, status FROM quarantined_records WHERE source = 'csv' ORDER BY id`,
    );
    expect(before.length).toBeGreaterThan(0);

    const res = await cli('replay', '--source', 'csv');

    expect(res.status).toBe(0);
    expect(res.out).toMatchObject({ msg: 'replay finished', replayed: before.length, status: 'succeeded' });
    expect(
      await sql(db, `SELECT id, payload_hash, status FROM quarantined_records WHERE source = 'csv' ORDER BY id`),
    ).toEqual(before);
    expect(await sql(db, `SELECT trigger, status FROM etl_runs WHERE id = $1`, [res.out.run_id])).toEqual([
      { trigger: 'replay', status: 'succeeded' },
    ]);
  });

  it('should cancel a run executing in another process, and refuse finished or unknown runs', async () => {
    const app: NestFastifyApplication = await createTestApp(
      { DATABASE_URL: db.url, ETL_SOURCES: TEST_SOURCE_ID, ETL_BATCH_SIZE: '25' },
      [TestPluginModule.register()],
    );
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

  it('should backfill from the CLI and print the ledger counts', async () => {
    const res = await cli(
      'backfill',
      '--source',
      'coingecko',
      '--asset',
      'bitcoin',
      '--from',
      '2025-01-01T00:00:00Z',
      '--to',
      '2025-01-03T00:00:00Z',
    );

    expect(res.status).toBe(0);
    expect(res.out).toMatchObject({
      msg: 'backfill finished',
      status: 'succeeded',
      records: { extracted: 48, inserted: 48, quarantined: 0 },
    });
    expect(
      (await cli('backfill', '--source', 'csv', '--asset', 'x', '--from', '2025-01-01', '--to', '2025-01-02')).out,
    ).toMatchObject({
      msg: 'refused',
      error: 'BackfillRequestError',
      message: expect.stringMatching(/source "csv" cannot be backfilled/),
    });
  });

  it('should resume a backfill whose process was killed at its next chunk, with no duplicate and no gap', async () => {
    const from = '2024-01-01T00:00:00Z';
    const to = '2024-07-19T00:00:00Z';
    // Slow upstream answers (2 s each) so the process can be killed between chunks.
    upstream.faults.set('coingecko', [{ type: 'delay', ms: 2000, times: 3 }]);
    const child = spawn(
      process.execPath,
      [CLI, 'backfill', '--source', 'coingecko', '--asset', 'ethereum', '--from', from, '--to', to],
      { env },
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    let done = 0;
    for (let i = 0; i < 300 && done === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = (
        await sql<{ n: number }>(
          db,
          `SELECT count(*)::int AS n FROM etl_backfill_chunks c JOIN etl_backfills b ON b.id = c.backfill_id
        WHERE 'ethereum' = ANY(b.assets) AND c.done_at IS NOT NULL`,
        )
      )[0].n;
    }
    child.kill('SIGKILL');
    await exited;
    const [crashed] = await sql<{ id: string; status: string }>(
      db,
      `SELECT id::text AS id, status FROM etl_backfills WHERE 'ethereum' = ANY(assets)`,
    );
    expect(crashed.status).toBe('running');
    const doneBefore = await sql<{ chunk_index: number; run_id: string }>(
      db,
      `SELECT chunk_index, run_id::text AS run_id FROM etl_backfill_chunks WHERE backfill_id = $1 AND done_at IS NOT NULL`,
      [crashed.id],
    );
    expect(doneBefore.length).toBeGreaterThan(0);
    expect(doneBefore.length).toBeLessThan(3);
    upstream.faults.clear();

    // The next backfill request (any) resumes the interrupted one first.
    const next = await cli(
      'backfill',
      '--source',
      'coingecko',
      '--asset',
      'tether',
      '--from',
      '2025-01-01T00:00:00Z',
      '--to',
      '2025-01-02T00:00:00Z',
    );

    expect(next.status).toBe(0);
    expect(await sql(db, `SELECT status FROM etl_backfills WHERE id = $1`, [crashed.id])).toEqual([
      { status: 'succeeded' },
    ]);
    const chunks = await sql<{ chunk_index: number; run_id: string }>(
      db,
      `SELECT chunk_index, run_id::text AS run_id FROM etl_backfill_chunks WHERE backfill_id = $1 ORDER BY chunk_index`,
      [crashed.id],
    );
    // Chunks committed before the kill were not read again.
    for (const c of doneBefore) expect(chunks.find((x) => x.chunk_index === c.chunk_index)!.run_id).toBe(c.run_id);
    expect(new Set(chunks.map((c) => c.run_id)).size).toBe(2);
    const [{ n, gaps }] = await sql<{ n: number; gaps: number }>(
      db,
      `SELECT (SELECT count(*)::int FROM market_quotes WHERE source_asset_id = 'ethereum' AND observed_at >= $1 AND observed_at < $2) AS n,
              (SELECT count(*)::int FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') AS t(at)
                WHERE NOT EXISTS (SELECT 1 FROM market_quotes q WHERE q.source_asset_id = 'ethereum' AND q.observed_at = t.at)) AS gaps`,
      [from, to],
    );
    expect({ n, gaps }).toEqual({ n: 200 * 24, gaps: 0 });
    expect(
      (
        await sql<{ n: number }>(
          db,
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM market_quotes GROUP BY asset_id, source, observed_at HAVING count(*) > 1) d`,
        )
      )[0].n,
    ).toBe(0);
  });
});
