import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { countDuplicates, snapshotTables } from '../support/snapshot.js';
import { TEST_SOURCE_ID, TestPluginModule, TestQuotesExtractor } from '../support/test-plugin/test-quotes.extractor.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const key = { 'x-api-key': ADMIN_KEY };

async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  return queryRows<T>(db.url, text, params);
}

/** Reset and cancel through the admin API, on real PostgreSQL with a test-only source plugin. */
describe('stream operations: reset and cancel (admin API)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let runner: EtlRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(
      { DATABASE_URL: db.url, ETL_SOURCES: TEST_SOURCE_ID, ETL_BATCH_SIZE: '25', ADMIN_API_KEY: ADMIN_KEY },
      [TestPluginModule.register()],
    );
    runner = app.get(EtlRunner);
  });

  beforeEach(() => {
    TestQuotesExtractor.dataset = { assets: 10, points: 20 };
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());
  /** Starts a slow run and resolves once its first batch has committed. */
  const startSlowRun = async () => {
    TestQuotesExtractor.dataset = { assets: 10, points: 20, delayMs: 150 };
    const firstBatch = firstValueFrom(runner.events$.pipe(filter((e) => e.type === 'batch_committed')));
    const handle = await runner.start({ trigger: 'manual' });
    await firstBatch;
    return handle;
  };

  describe('POST /etl/sources/{source}/reset', () => {
    it('should clear the checkpoint, show an empty cursor in /stats, and re-read without changing any row', async () => {
      await runner.run({ trigger: 'manual' });
      const before = await snapshotTables(db.url);
      expect((await http().get('/stats').expect(200)).body.data.sources[0].cursor).toEqual({ quotes: { offset: 200 } });

      const res = await http().post(`/etl/sources/${TEST_SOURCE_ID}/reset`).set(key).send({}).expect(200);

      expect(res.body.data).toEqual({ source: TEST_SOURCE_ID, streams_reset: ['quotes'] });
      expect((await http().get('/stats').expect(200)).body.data.sources[0].cursor).toEqual({ quotes: {} });
      const again = await runner.run({ trigger: 'manual' });
      expect(again.sources[TEST_SOURCE_ID].totals).toEqual({
        extracted: 200,
        inserted: 0,
        updated: 0,
        unchanged: 200,
        duplicate: 0,
        quarantined: 0,
      });
      const after = await snapshotTables(db.url);
      expect(after).toEqual(before);
      expect(await countDuplicates(db.url)).toEqual(0);
    });

    it.each([
      ['an undeclared stream', { streams: ['nope'] }, 400, /no stream\(s\) nope/],
      ['a stream name that is not one', { streams: ['a b'] }, 400, /stream name/],
    ])('should answer 400 for %s', async (_case, body, status, message) => {
      const res = await http().post(`/etl/sources/${TEST_SOURCE_ID}/reset`).set(key).send(body).expect(status);
      expect(JSON.stringify(res.body)).toMatch(message);
    });

    it('should answer 404 for a source no plugin has, and 401 without the admin key', async () => {
      expect((await http().post('/etl/sources/nosuch/reset').set(key).send({}).expect(404)).body.message).toMatch(
        /unknown source "nosuch"/,
      );
      await http().post(`/etl/sources/${TEST_SOURCE_ID}/reset`).send({}).expect(401);
    });

    it('should answer 409 while the source runs and leave its checkpoint alone', async () => {
      await sql(db, `DELETE FROM etl_checkpoints`);
      const handle = await startSlowRun();
      try {
        const res = await http()
          .post(`/etl/sources/${TEST_SOURCE_ID}/reset`)
          .set(key)
          .send({ streams: ['quotes'] })
          .expect(409);
        expect(res.body.running).toEqual([TEST_SOURCE_ID]);
      } finally {
        await handle.done;
      }
      expect(await sql(db, `SELECT cursor FROM etl_checkpoints WHERE source = $1`, [TEST_SOURCE_ID])).toEqual([
        { cursor: { offset: 200 } },
      ]);
    });
  });

  describe('DELETE /etl/runs/{id}', () => {
    it('should stop a running run at a batch boundary, end it cancelled with nothing half-done, then resume', async () => {
      await sql(db, `TRUNCATE market_quotes, raw_records, etl_checkpoints`);
      const handle = await startSlowRun();

      const res = await http().delete(`/etl/runs/${handle.runId}`).set(key).expect(202);
      const summary = await handle.done;

      expect(res.body.data).toEqual({ run_id: handle.runId, status: 'cancelling' });
      expect(summary.status).toBe('cancelled');
      const [run] = await sql<{ status: string; cancel_requested_at: Date | null }>(
        db,
        `SELECT status, cancel_requested_at FROM etl_runs WHERE id = $1`,
        [handle.runId],
      );
      expect(run.status).toBe('cancelled');
      expect(run.cancel_requested_at).not.toBeNull();
      const [sourceRun] = await sql<{ status: string; records_inserted: number }>(
        db,
        `SELECT status, records_inserted::float8 AS records_inserted FROM etl_source_runs WHERE run_id = $1`,
        [handle.runId],
      );
      expect(sourceRun.status).toBe('cancelled');
      // Whole batches only, and the checkpoint matches the committed rows exactly.
      const [{ n }] = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM market_quotes`);
      expect(n).toBe(sourceRun.records_inserted);
      expect(n % 25).toBe(0);
      expect(n).toBeLessThan(200);
      expect(await sql(db, `SELECT cursor FROM etl_checkpoints WHERE source = $1`, [TEST_SOURCE_ID])).toEqual([
        { cursor: { offset: n } },
      ]);

      TestQuotesExtractor.dataset = { assets: 10, points: 20 };
      const resumed = await runner.run({ trigger: 'manual' });
      expect(resumed.sources[TEST_SOURCE_ID].totals.inserted).toBe(200 - n);
      expect(await sql(db, `SELECT count(*)::int AS n FROM market_quotes`)).toEqual([{ n: 200 }]);
      expect(await countDuplicates(db.url)).toEqual(0);
    });

    it('should answer 409 for a finished run, 404 for an unknown one and 400 for a malformed id', async () => {
      const done = await runner.run({ trigger: 'manual' });
      expect((await http().delete(`/etl/runs/${done.runId}`).set(key).expect(409)).body.message).toMatch(
        /already ended \(succeeded\)/,
      );
      await http().delete('/etl/runs/999999').set(key).expect(404);
      await http().delete('/etl/runs/abc').set(key).expect(400);
      await http().delete(`/etl/runs/${done.runId}`).expect(401);
    });
  });

  it.each([
    ['post', '/etl/sources/{source}/reset', 'resetSourceStreams', ['200', '400', '401', '403', '404', '409']],
    ['delete', '/etl/runs/{id}', 'cancelRun', ['202', '400', '401', '403', '404', '409']],
    ['post', '/quarantine/replay', 'replayQuarantine', ['202', '400', '401', '403', '404', '409']],
    ['get', '/quarantine', 'listQuarantine', ['200', '401', '403']],
    ['post', '/etl/backfills', 'createBackfill', ['202', '400', '401', '403']],
    ['get', '/etl/backfills', 'listBackfills', ['200', '401', '403']],
    ['get', '/etl/backfills/{id}', 'getBackfill', ['200', '400', '401', '403', '404']],
  ])(
    'should document %s %s in Swagger with its operationId, admin security and error responses',
    async (method, path, operationId, codes) => {
      const doc = (await http().get('/docs-json').expect(200)).body;
      const op = doc.paths[path]?.[method];

      expect(op?.operationId).toBe(operationId);
      expect(op.security).toEqual([{ 'admin-key': [] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(codes));
    },
  );
});
