import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { firstValueFrom, filter } from 'rxjs';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

/**
 * Issue 17 §3: a worker whose source lock died (its connection terminated) cannot commit once
 * another worker took the source over: its batch fails on the fencing token and it ends abandoned.
 */
describe('source lease fencing', () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  let db: TestDatabase;
  let workerA: NestFastifyApplication;
  let workerB: NestFastifyApplication;

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(600));
    db = await createTestDatabase();
    const env = {
      ...fixtureEnv,
      DATABASE_URL: db.url,
      ETL_SOURCES: 'coingecko',
      ETL_BATCH_SIZE: '50',
      HTTP_TIMEOUT_MS: '20000',
    };
    workerA = await createTestApp(env);
    workerB = await createTestApp(env);
  });

  afterAll(async () => {
    await workerA?.close();
    await workerB?.close();
    await upstream?.stop();
    await db?.drop();
  });

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(db.url, text, params);
  }

  it('should abandon the stale worker, with no duplicate and no checkpoint moving back', async () => {
    // A's page 1 is served at once, its page 2 only after B has run the whole source.
    upstream.faults.set('coingecko', [
      { type: 'delay', ms: 0 },
      { type: 'delay', ms: 4000 },
    ]);
    const a = workerA.get(EtlRunner);
    const aCommitted = firstValueFrom(a.events$.pipe(filter((e) => e.type === 'batch_committed')));
    const runA = await a.start({ trigger: 'manual', sources: ['coingecko'] });
    await aCommitted;
    const holders = await sql<{ pid: number }>(
      // The source lock only (two-key advisory lock: classid, objid), not the identity resolver's xact locks.
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid::text::bigint = (hashtext('kasparro-etl:source')::bigint & 4294967295)
          AND objid::text::bigint = (hashtext('coingecko')::bigint & 4294967295)`,
    );
    expect(holders).toHaveLength(1);
    const [lockHolder] = holders;

    // The lock's connection dies (as with idle_session_timeout or a dropped proxy connection); the
    // timeout makes PostgreSQL wait until the backend is gone (and its lock released).
    expect(await sql(`SELECT pg_terminate_backend($1, 5000) AS ok`, [lockHolder.pid])).toEqual([{ ok: true }]);
    const summaryB = await workerB.get(EtlRunner).run({ trigger: 'manual', sources: ['coingecko'] });
    const checkpoint = `SELECT cursor, run_id::text AS run_id FROM etl_checkpoints WHERE source = 'coingecko'`;
    const checkpointAfterB = await sql(checkpoint);
    const summaryA = await runA.done;

    expect(summaryB.sources.coingecko).toMatchObject({ status: 'succeeded', totals: { extracted: 600 } });
    expect({ run: summaryA.status, ...summaryA.sources.coingecko, totals: undefined }).toEqual({
      run: 'abandoned',
      status: 'abandoned',
      totals: undefined,
      error: expect.stringMatching(/lost the source \(fencing token 1 is no longer current\)/),
    });
    // No duplicate: every quote and raw payload once.
    const quoteKeys = `SELECT count(*)::int AS n, count(DISTINCT (asset_id, observed_at))::int AS keys
                         FROM market_quotes`;
    expect(await sql(quoteKeys)).toEqual([{ n: 600, keys: 600 }]);
    expect(await sql(`SELECT count(*)::int AS n FROM raw_records`)).toEqual([{ n: 600 }]);
    // The checkpoint is B's complete one, untouched by A after B finished.
    const after = await sql(checkpoint);
    expect(after).toEqual(checkpointAfterB);
    const complete = { snapshot: expect.objectContaining({ complete: true, pages_read: 3 }) };
    expect(after[0]).toEqual({ run_id: summaryB.runId, cursor: complete });
    // The ledger tells the story: A abandoned with the fencing error, B succeeded; the lease is B's.
    const ledger = await sql(`SELECT run_id::text AS run_id, status, error_class FROM etl_source_runs ORDER BY id`);
    expect(ledger).toEqual([
      { run_id: runA.runId, status: 'abandoned', error_class: 'SourceLeaseLostError' },
      { run_id: summaryB.runId, status: 'succeeded', error_class: null },
    ]);
    const [lease] = await sql<{ token: string; owner: string }>(
      `SELECT l.token::text AS token, r.run_id::text AS owner
         FROM source_leases l JOIN etl_source_runs r ON r.id = l.owner_source_run_id`,
    );
    expect(lease).toEqual({ token: '2', owner: summaryB.runId });
  });
});
