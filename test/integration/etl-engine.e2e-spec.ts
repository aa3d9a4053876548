import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { countDuplicates, snapshotTables } from '../support/snapshot.js';
import { TEST_SOURCE_ID, TestPluginModule, TestQuotesExtractor } from '../support/test-plugin/test-quotes.extractor.js';

const ADMIN_KEY = 'test-admin-key-0123456789';

function engineEnv(db: TestDatabase, extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: db.url,
    ETL_SOURCES: TEST_SOURCE_ID,
    ETL_BATCH_SIZE: '25',
    ADMIN_API_KEY: ADMIN_KEY,
    ...extra,
  };
}

async function withApp<T>(
  db: TestDatabase,
  fn: (app: NestFastifyApplication) => Promise<T>,
  extra: Record<string, string> = {},
): Promise<T> {
  const app = await createTestApp(engineEnv(db, extra), [TestPluginModule.register()]);
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  return queryRows<T>(db.url, text, params);
}

describe('ETL engine with a test-only source plugin (real PostgreSQL)', () => {
  const dbs: TestDatabase[] = [];
  const newDb = async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    return db;
  };

  beforeEach(() => {
    TestQuotesExtractor.dataset = { assets: 10, points: 20 };
  });

  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('should ingest every record, record the run in the ledger and commit the cursor', async () => {
    const db = await newDb();

    const summary = await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));

    expect(summary.status).toBe('succeeded');
    expect(summary.sources[TEST_SOURCE_ID].totals).toEqual({
      extracted: 200,
      inserted: 200,
      updated: 0,
      unchanged: 0,
      duplicate: 0,
      quarantined: 0,
    });
    const [ledger] = await sql(
      db,
      `SELECT s.status, r.trigger, s.records_extracted::float8 AS records_extracted, s.records_inserted::float8 AS records_inserted, s.cursor_after FROM etl_source_runs s JOIN etl_runs r ON r.id = s.run_id`,
    );
    expect(ledger).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      records_extracted: 200,
      records_inserted: 200,
      cursor_after: { quotes: { offset: 200 } },
    });
    expect(await sql(db, `SELECT count(*)::int AS n FROM market_quotes`)).toEqual([{ n: 200 }]);
    expect(await sql(db, `SELECT count(*)::int AS n FROM raw_records`)).toEqual([{ n: 200 }]);
    expect(await sql(db, `SELECT count(*)::int AS n FROM assets`)).toEqual([{ n: 10 }]);
    // Every batch's instants got their partition before its transaction: the DEFAULT partitions stay empty.
    expect(
      await sql(
        db,
        `SELECT (SELECT count(*) FROM market_quotes_default)::int AS q, (SELECT count(*) FROM raw_records_default)::int AS r`,
      ),
    ).toEqual([{ q: 0, r: 0 }]);
    expect(await sql(db, `SELECT cursor FROM etl_checkpoints WHERE source = $1`, [TEST_SOURCE_ID])).toEqual([
      { cursor: { offset: 200 } },
    ]);
  });

  it('should change nothing when the same input is ingested twice', async () => {
    const db = await newDb();
    await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));
    const before = await snapshotTables(db.url);

    await sql(db, `DELETE FROM etl_checkpoints`);
    const again = await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));

    expect(again.sources[TEST_SOURCE_ID].totals).toEqual({
      extracted: 200,
      inserted: 0,
      updated: 0,
      unchanged: 200,
      duplicate: 0,
      quarantined: 0,
    });
    expect(await snapshotTables(db.url)).toEqual(before);
  });

  it('should quarantine malformed rows with a reason, count them, and keep going', async () => {
    const db = await newDb();
    TestQuotesExtractor.dataset = { assets: 10, points: 20, badEvery: 7 };

    const summary = await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));

    expect(summary.status).toBe('succeeded');
    expect(summary.sources[TEST_SOURCE_ID].totals).toMatchObject({ extracted: 200, inserted: 172, quarantined: 28 });
    const rows = await sql<{ reason: string; n: number }>(
      db,
      `SELECT reason, count(*)::int AS n FROM quarantined_records GROUP BY reason`,
    );
    expect(rows).toEqual([{ reason: 'price must be a non-negative number, got -1', n: 28 }]);
  });

  it('should resume after an injected failure with no duplicate and no gap', async () => {
    const clean = await newDb();
    await withApp(clean, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));
    const db = await newDb();

    const failed = await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }), {
      ETL_FAILURE_INJECTION: `${TEST_SOURCE_ID}:after=60`,
    });
    const committed = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM market_quotes`);
    const resumed = await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));

    expect(failed.status).toBe('failed');
    expect(failed.sources[TEST_SOURCE_ID].error).toMatch(/injected failure/);
    expect(committed).toEqual([{ n: 50 }]);
    expect(resumed.sources[TEST_SOURCE_ID].totals).toMatchObject({ extracted: 150, inserted: 150 });
    expect(await snapshotTables(db.url)).toEqual(await snapshotTables(clean.url));
    const ledger = await sql(db, `SELECT status, error_class FROM etl_source_runs ORDER BY id`);
    expect(ledger).toEqual([
      { status: 'failed', error_class: 'InjectedFailureError' },
      { status: 'succeeded', error_class: null },
    ]);
  });

  it('should end at a batch boundary when transactions abort mid-batch at random, many times', async () => {
    TestQuotesExtractor.dataset = { assets: 10, points: 30, badEvery: 11 };
    const clean = await newDb();
    await withApp(clean, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));
    const db = await newDb();
    // A crash inside the transaction, after some rows were written: a trigger that fails at random
    // on the checkpoint write (the last statement of a batch) or on the quotes upsert (the middle).
    await sql(
      db,
      `CREATE FUNCTION chaos() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF random() < 0.35 THEN RAISE EXCEPTION 'chaos: simulated crash in %', TG_TABLE_NAME; END IF; RETURN NEW; END $$`,
    );
    await sql(
      db,
      `CREATE TRIGGER chaos_checkpoint BEFORE INSERT OR UPDATE ON etl_checkpoints FOR EACH ROW EXECUTE FUNCTION chaos()`,
    );
    await sql(
      db,
      `CREATE TRIGGER chaos_quotes BEFORE INSERT OR UPDATE ON market_quotes FOR EACH STATEMENT EXECUTE FUNCTION chaos()`,
    );

    let failures = 0;
    await withApp(db, async (app) => {
      const runner = app.get(EtlRunner);
      for (let attempt = 0; attempt < 200; attempt++) {
        const summary = await runner.run({ trigger: 'manual' });
        if (summary.status === 'succeeded') {
          const [{ n }] = await sql<{ n: number }>(
            db,
            `SELECT count(*)::int AS n FROM etl_checkpoints WHERE (cursor->>'offset')::int = 300`,
          );
          if (n === 1) break;
        } else {
          failures += 1;
        }
      }
    });
    await sql(db, `DROP TRIGGER chaos_checkpoint ON etl_checkpoints; DROP TRIGGER chaos_quotes ON market_quotes`);

    expect(failures).toBeGreaterThanOrEqual(5);
    expect(await countDuplicates(db.url)).toBe(0);
    expect(await snapshotTables(db.url)).toEqual(await snapshotTables(clean.url));
    const ledger = await sql<{ failed: number; committed: number }>(
      db,
      `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed, sum(records_inserted)::int AS committed FROM etl_source_runs`,
    );
    expect(ledger[0].failed).toBe(failures);
    // The ledger's counts only include committed batches: they add up to exactly the clean run's rows.
    expect(ledger[0].committed).toBe(
      (await sql<{ n: number }>(clean, `SELECT count(*)::int AS n FROM market_quotes`))[0].n,
    );
  });

  it('should propose, not apply, a rename to another name on a first run, and apply it once accepted values agree', async () => {
    const db = await newDb();
    TestQuotesExtractor.dataset = { assets: 3, points: 2, priceField: 'prices' };

    const first = await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));

    expect(first.sources[TEST_SOURCE_ID].totals).toMatchObject({ inserted: 0, quarantined: 6 });
    const proposed = await sql(
      db,
      `SELECT kind, field, candidate, confidence, action, severity, status FROM drift_events WHERE kind = 'renamed'`,
    );
    expect(proposed).toEqual([
      {
        kind: 'renamed',
        field: 'price',
        candidate: 'prices',
        confidence: '0.833',
        action: 'quarantined',
        severity: 'critical',
        status: 'proposed',
      },
    ]);

    const history = await newDb();
    TestQuotesExtractor.dataset = { assets: 3, points: 2 };
    await withApp(history, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));
    TestQuotesExtractor.dataset = { assets: 3, points: 4, priceField: 'prices' };
    const second = await withApp(history, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));

    expect(second.sources[TEST_SOURCE_ID].totals).toMatchObject({ inserted: 6, quarantined: 0 });
    const applied = await sql<{ status: string; evidence: { values: { compared: number; plausible: boolean } } }>(
      history,
      `SELECT status, evidence FROM drift_events WHERE kind = 'renamed'`,
    );
    expect(applied).toEqual([
      expect.objectContaining({
        status: 'applied',
        evidence: expect.objectContaining({ values: expect.objectContaining({ compared: 3, plausible: true }) }),
      }),
    ]);
  });

  it('should quarantine rows when a required field is missing and no confident rename exists', async () => {
    const db = await newDb();
    TestQuotesExtractor.dataset = { assets: 3, points: 2, priceField: 'last_px' };

    const summary = await withApp(db, (app) => app.get(EtlRunner).run({ trigger: 'manual' }));

    expect(summary.sources[TEST_SOURCE_ID].totals).toMatchObject({ inserted: 0, quarantined: 6 });
    const reasons = await sql<{ reason: string }>(db, `SELECT DISTINCT reason FROM quarantined_records`);
    expect(reasons).toHaveLength(1);
    expect(reasons[0].reason).toMatch(/^required field "price" missing/);
  });

  it('should never run one source twice at once: the second run is skipped and recorded', async () => {
    const db = await newDb();
    TestQuotesExtractor.dataset = { assets: 50, points: 40 };

    const [a, b] = await withApp(db, (app) => {
      const runner = app.get(EtlRunner);
      return Promise.all([runner.run({ trigger: 'schedule' }), runner.run({ trigger: 'schedule' })]);
    });

    expect([a.status, b.status].sort()).toEqual(['skipped', 'succeeded']);
    expect(await countDuplicates(db.url)).toBe(0);
    const statuses = await sql<{ status: string }>(db, `SELECT status FROM etl_source_runs ORDER BY status`);
    expect(statuses.map((s) => s.status)).toEqual(['skipped', 'succeeded']);
  });

  it('should mark runs left running by a dead process as abandoned at the next start', async () => {
    const db = await newDb();
    const [run] = await sql<{ id: string }>(
      db,
      `INSERT INTO etl_runs (trigger, status, sources, instance_id, started_at) VALUES ('schedule', 'running', '{${TEST_SOURCE_ID}}', 'dead:1', now() - interval '10 minutes') RETURNING id`,
    );
    await sql(
      db,
      `INSERT INTO etl_source_runs (run_id, source, status, instance_id, started_at, heartbeat_at) VALUES ($1, $2, 'running', 'dead:1', now() - interval '10 minutes', now() - interval '9 minutes')`,
      [run.id, TEST_SOURCE_ID],
    );

    await withApp(db, () => Promise.resolve());

    expect(await sql(db, `SELECT status, error_class FROM etl_source_runs`)).toEqual([
      { status: 'abandoned', error_class: 'Abandoned' },
    ]);
    expect(await sql(db, `SELECT status FROM etl_runs`)).toEqual([{ status: 'abandoned' }]);
  });

  describe('POST /etl/runs', () => {
    it('should need the admin key, answer 202 with the run id, 409 while running, 400 for an unknown source', async () => {
      const db = await newDb();
      TestQuotesExtractor.dataset = { assets: 50, points: 60 };
      await withApp(db, async (app) => {
        const http = request(app.getHttpServer());
        await http.post('/etl/runs').expect(401);
        await http.post('/etl/runs').set('x-api-key', 'wrong-key-wrong-key').expect(401);
        await http.post(`/etl/runs?api_key=${ADMIN_KEY}`).set('x-api-key', ADMIN_KEY).expect(401);
        const bad = await http
          .post('/etl/runs')
          .set('x-api-key', ADMIN_KEY)
          .send({ sources: ['nope'] })
          .expect(400);
        expect(bad.body.errors).toEqual([{ field: 'sources', message: expect.stringMatching(/nope/) }]);

        const accepted = await http
          .post('/etl/runs')
          .set('x-api-key', ADMIN_KEY)
          .send({ sources: [TEST_SOURCE_ID] })
          .expect(202);
        const busy = await http.post('/etl/runs').set('x-api-key', ADMIN_KEY).send({}).expect(409);

        expect(accepted.body.data).toEqual({
          run_id: expect.stringMatching(/^\d+$/),
          sources: [TEST_SOURCE_ID],
          status: 'running',
          location: expect.stringMatching(/^\/runs\/\d+$/),
        });
        expect(busy.body.running).toEqual([TEST_SOURCE_ID]);
        await app.get(EtlRunner).beforeApplicationShutdown();
      });
    });

    it('should answer 403 when the service has no admin key', async () => {
      const db = await newDb();
      await withApp(
        db,
        async (app) => {
          const res = await request(app.getHttpServer())
            .post('/etl/runs')
            .set('x-api-key', 'anything-anything')
            .expect(403);
          expect(res.body.message).toMatch(/ADMIN_API_KEY/);
        },
        { ADMIN_API_KEY: '' },
      );
    });
  });

  it('should move the ETL counters in /metrics after a run', async () => {
    const db = await newDb();
    const value = (text: string, series: string) =>
      Number(new RegExp(`^${series.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    await withApp(db, async (app) => {
      const before = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
      await app.get(EtlRunner).run({ trigger: 'manual' });
      const after = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;

      const inserted = `etl_records_total{source="${TEST_SOURCE_ID}",outcome="inserted"}`;
      const succeeded = `etl_runs_total{source="${TEST_SOURCE_ID}",status="succeeded"}`;
      expect(value(after, inserted) - value(before, inserted)).toBe(200);
      expect(value(after, succeeded) - value(before, succeeded)).toBe(1);
      expect(value(after, `etl_last_success_timestamp_seconds{source="${TEST_SOURCE_ID}"}`)).toBeGreaterThan(
        Date.now() / 1000 - 60,
      );
    });
  });
});
