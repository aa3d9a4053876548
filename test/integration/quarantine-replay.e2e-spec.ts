import request from 'supertest';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { countDuplicates } from '../support/snapshot.js';
import { TEST_SOURCE_ID, TestPluginModule, TestQuotesExtractor } from '../support/test-plugin/test-quotes.extractor.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const key = { 'x-api-key': ADMIN_KEY };

async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  return queryRows<T>(db.url, text, params);
}

async function waitForRun(db: TestDatabase, runId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const [run] = await sql<{ status: string }>(db, `SELECT status FROM etl_runs WHERE id = $1`, [runId]);
    if (run && run.status !== 'running') return run.status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

const appFor = (db: TestDatabase, extra: Record<string, string> = {}) =>
  createTestApp(
    { DATABASE_URL: db.url, ETL_SOURCES: TEST_SOURCE_ID, ETL_BATCH_SIZE: '25', ADMIN_API_KEY: ADMIN_KEY, ...extra },
    [TestPluginModule.register()],
  );

const count = async (db: TestDatabase, text: string, params: unknown[] = []) =>
  (await sql<{ n: number }>(db, text, params))[0].n;

/** POST /quarantine/replay and GET /quarantine?status=..., on real PostgreSQL with a test-only plugin. */
describe('quarantine replay (admin API)', () => {
  const dbs: TestDatabase[] = [];
  const newDb = async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    return db;
  };

  beforeEach(() => {
    // 28 malformed rows of 200, prices 2 and 1 in turn (positive: the value envelope refuses negative prices itself).
    TestQuotesExtractor.dataset = { assets: 10, points: 20, badEvery: 7, badPrices: [2, 1] };
    TestQuotesExtractor.minPrice = 3;
  });

  afterAll(async () => {
    TestQuotesExtractor.minPrice = 0;
    for (const db of dbs) await db.drop();
  });

  it("should load the rows today's rule accepts, mark them resolved by the run, and keep the others open", async () => {
    const db = await newDb();
    const app = await appFor(db);
    try {
      const http = () => request(app.getHttpServer());
      await app.get(EtlRunner).run({ trigger: 'manual' });
      const open = await http().get(`/quarantine?source=${TEST_SOURCE_ID}`).set(key).expect(200);
      expect(open.body.pagination.total).toBe(28);
      expect(open.body.data[0]).toMatchObject({ status: 'open', resolved_by_run_id: null });
      const checkpoint = await sql(db, `SELECT cursor FROM etl_checkpoints`);

      TestQuotesExtractor.minPrice = 2;
      const res = await http().post('/quarantine/replay').set(key).send({ source: TEST_SOURCE_ID }).expect(202);
      const runId = res.body.data.run_id as string;

      expect(res.body.data).toEqual({ run_id: expect.stringMatching(/^\d+$/), replayed: 28 });
      expect(await waitForRun(db, runId)).toBe('succeeded');
      expect(await count(db, `SELECT count(*)::int AS n FROM market_quotes`)).toBe(186);
      expect(
        await sql(
          db,
          `SELECT status, resolved_by_run_id::text AS run, count(*)::int AS n FROM quarantined_records GROUP BY 1, 2 ORDER BY 1`,
        ),
      ).toEqual([
        { status: 'open', run: null, n: 14 },
        { status: 'resolved', run: runId, n: 14 },
      ]);
      expect(await sql(db, `SELECT DISTINCT reason FROM quarantined_records WHERE status = 'open'`)).toEqual([
        { reason: 'price must be at least 2, got 1' },
      ]);
      expect(await sql(db, `SELECT trigger, status FROM etl_runs WHERE id = $1`, [runId])).toEqual([
        { trigger: 'replay', status: 'succeeded' },
      ]);
      expect(
        await sql(
          db,
          `SELECT records_extracted::float8 AS records_extracted, records_inserted::float8 AS records_inserted, records_quarantined::float8 AS records_quarantined FROM etl_source_runs WHERE run_id = $1`,
          [runId],
        ),
      ).toEqual([{ records_extracted: 28, records_inserted: 14, records_quarantined: 14 }]);
      // The incremental cursor did not move.
      expect(await sql(db, `SELECT cursor FROM etl_checkpoints`)).toEqual(checkpoint);

      expect((await http().get('/quarantine').set(key).expect(200)).body.pagination.total).toBe(14);
      const resolved = await http().get('/quarantine?status=resolved').set(key).expect(200);
      expect(resolved.body.pagination.total).toBe(14);
      expect(
        resolved.body.data.every(
          (r: { status: string; resolved_by_run_id: string }) =>
            r.status === 'resolved' && r.resolved_by_run_id === runId,
        ),
      ).toBe(true);
      expect((await http().get('/quarantine?status=all').set(key).expect(200)).body.pagination.total).toBe(28);
      await http().get('/quarantine?status=closed').set(key).expect(400);

      // Only the listed ids; a resolved id is no longer open (404).
      TestQuotesExtractor.minPrice = 1;
      const [first] = await sql<{ id: string }>(
        db,
        `SELECT id::text AS id FROM quarantined_records WHERE status = 'open' ORDER BY id LIMIT 1`,
      );
      const one = await http()
        .post('/quarantine/replay')
        .set(key)
        .send({ source: TEST_SOURCE_ID, ids: [first.id] })
        .expect(202);
      expect(one.body.data.replayed).toBe(1);
      await waitForRun(db, one.body.data.run_id);
      expect(await count(db, `SELECT count(*)::int AS n FROM quarantined_records WHERE status = 'open'`)).toBe(13);
      expect(
        (
          await http()
            .post('/quarantine/replay')
            .set(key)
            .send({ source: TEST_SOURCE_ID, ids: [first.id] })
            .expect(404)
        ).body.message,
      ).toMatch(/no open quarantine entry/);
      expect(await countDuplicates(db.url)).toBe(0);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['an unknown source', { source: 'nosuch' }, 400],
    ['no source', {}, 400],
    ['a malformed id', { source: TEST_SOURCE_ID, ids: ['x'] }, 400],
  ])('should answer 400 for %s', async (_case, body, status) => {
    const db = await newDb();
    const app = await appFor(db);
    try {
      await request(app.getHttpServer()).post('/quarantine/replay').set(key).send(body).expect(status);
      await request(app.getHttpServer()).post('/quarantine/replay').send(body).expect(401);
    } finally {
      await app.close();
    }
  });

  it('should answer 409 while the source runs', async () => {
    const db = await newDb();
    const app = await appFor(db);
    try {
      TestQuotesExtractor.dataset = { assets: 10, points: 20, delayMs: 100 };
      const handle = await app.get(EtlRunner).start({ trigger: 'manual' });
      await new Promise((r) => setTimeout(r, 150));
      await request(app.getHttpServer())
        .post('/quarantine/replay')
        .set(key)
        .send({ source: TEST_SOURCE_ID })
        .expect(409);
      await handle.done;
    } finally {
      await app.close();
    }
  });

  it('should resume a replay that crashed midway with no duplicate and no entry left behind', async () => {
    const db = await newDb();
    const app = await appFor(db);
    try {
      await app.get(EtlRunner).run({ trigger: 'manual' });
      TestQuotesExtractor.minPrice = 1;
      // A second process whose replay dies once it has replayed 10 rows (batches of 5).
      const crashing = await appFor(db, { ETL_BATCH_SIZE: '5', ETL_FAILURE_INJECTION: `${TEST_SOURCE_ID}:after=10` });
      let crashedRun: string;
      try {
        const res = await request(crashing.getHttpServer())
          .post('/quarantine/replay')
          .set(key)
          .send({ source: TEST_SOURCE_ID })
          .expect(202);
        crashedRun = res.body.data.run_id;
        expect(await waitForRun(db, crashedRun)).toBe('failed');
      } finally {
        await crashing.close();
      }
      expect(await count(db, `SELECT count(*)::int AS n FROM quarantined_records WHERE status = 'resolved'`)).toBe(10);
      expect(await count(db, `SELECT count(*)::int AS n FROM market_quotes`)).toBe(182);

      const res = await request(app.getHttpServer())
        .post('/quarantine/replay')
        .set(key)
        .send({ source: TEST_SOURCE_ID })
        .expect(202);
      expect(res.body.data.replayed).toBe(18);
      expect(await waitForRun(db, res.body.data.run_id)).toBe('succeeded');

      expect(await count(db, `SELECT count(*)::int AS n FROM market_quotes`)).toBe(200);
      expect(await countDuplicates(db.url)).toBe(0);
      expect(
        await sql(
          db,
          `SELECT resolved_by_run_id::text AS run, count(*)::int AS n FROM quarantined_records GROUP BY 1 ORDER BY 1`,
        ),
      ).toEqual(
        [
          { run: crashedRun, n: 10 },
          { run: res.body.data.run_id, n: 18 },
        ].sort((a, b) => Number(a.run) - Number(b.run)),
      );
    } finally {
      await app.close();
    }
  });
});
