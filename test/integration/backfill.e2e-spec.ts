import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { countDuplicates } from '../support/snapshot.js';
import { startFixtures } from '../support/fixture-env.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const key = { 'x-api-key': ADMIN_KEY };

async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  return queryRows<T>(db.url, text, params);
}

/** POST/GET /etl/backfills against the CoinGecko fixture's market_chart/range, on real PostgreSQL. */
describe('backfills (admin API)', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let env: Record<string, string>;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(50);
    upstream = fixtures.upstream;
    env = {
      ...fixtures.env,
      DATABASE_URL: db.url,
      ETL_SOURCES: 'coingecko,csv',
      ADMIN_API_KEY: ADMIN_KEY,
      ETL_BATCH_SIZE: '500',
    };
    app = await createTestApp(env);
    await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coingecko'] });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());
  const waitForBackfill = async (id: string) => {
    for (let i = 0; i < 400; i++) {
      const res = await http().get(`/etl/backfills/${id}`).set(key).expect(200);
      if (!['queued', 'running'].includes(res.body.data.status)) return res.body.data;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`backfill ${id} did not finish`);
  };
  /** Hourly instants of [from, to) that have no quote of the asset: a gap. */
  const gaps = async (asset: string, from: string, to: string) =>
    (
      await sql<{ n: number }>(
        db,
        `SELECT count(*)::int AS n FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 hour', interval '1 hour') AS t(at)
      WHERE NOT EXISTS (SELECT 1 FROM market_quotes q WHERE q.source = 'coingecko' AND q.source_asset_id = $1 AND q.observed_at = t.at)`,
        [asset, from, to],
      )
    )[0].n;

  it('should load every hourly point of the range, marked backfill, without moving the incremental cursor', async () => {
    const cursor = await sql(db, `SELECT stream, cursor FROM etl_checkpoints ORDER BY stream`);

    const res = await http()
      .post('/etl/backfills')
      .set(key)
      .send({ source: 'coingecko', assets: ['bitcoin'], from: '2025-01-01T00:00:00Z', to: '2025-01-11T00:00:00Z' })
      .expect(202);
    const done = await waitForBackfill(res.body.data.backfill_id);

    expect(done).toMatchObject({
      status: 'succeeded',
      source: 'coingecko',
      assets: ['bitcoin'],
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-01-11T00:00:00.000Z',
      records: { extracted: 240, inserted: 240, updated: 0, unchanged: 0, quarantined: 0 },
      chunks: { total: 1, done: 1 },
    });
    expect(await gaps('bitcoin', '2025-01-01T00:00:00Z', '2025-01-11T00:00:00Z')).toBe(0);
    expect(await sql(db, `SELECT stream, cursor FROM etl_checkpoints ORDER BY stream`)).toEqual(cursor);
    const data = await http()
      .get('/data?source=coingecko&symbol=BTC&from=2025-01-01T00:00:00Z&to=2025-01-11T00:00:00Z&limit=5')
      .expect(200);
    expect(data.body.pagination.total).toBe(240);
    expect(data.body.data.map((q: { provenance: string }) => q.provenance)).toEqual(Array(5).fill('backfill'));
    const live = await http().get('/data?source=coingecko&symbol=ETH&limit=1').expect(200);
    expect(live.body.data[0].provenance).toBe('incremental');
    expect((await http().get('/etl/backfills').set(key).expect(200)).body.data[0].backfill_id).toBe(
      res.body.data.backfill_id,
    );
  });

  it('should cut a range over 90 days into chunks that keep hourly points, and re-running it writes nothing new', async () => {
    const before = upstream.requests.length;
    const body = {
      source: 'coingecko',
      assets: ['ethereum'],
      from: '2024-01-01T00:00:00Z',
      to: '2024-07-19T00:00:00Z',
    };

    const done = await waitForBackfill(
      (await http().post('/etl/backfills').set(key).send(body).expect(202)).body.data.backfill_id,
    );

    expect(done).toMatchObject({
      status: 'succeeded',
      chunks: { total: 3, done: 3 },
      records: { extracted: 200 * 24, inserted: 200 * 24 },
    });
    const calls = upstream.requests.slice(before).filter((r) => r.path.includes('/market_chart/range'));
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      const q = new URL(c.path, 'http://x').searchParams;
      expect(Number(q.get('to')) - Number(q.get('from'))).toBeLessThanOrEqual(90 * 86_400);
      expect(q.get('vs_currency')).toBe('usd');
    }
    expect(await gaps('ethereum', body.from, body.to)).toBe(0);

    const again = await waitForBackfill(
      (await http().post('/etl/backfills').set(key).send(body).expect(202)).body.data.backfill_id,
    );
    expect(again.records).toMatchObject({ extracted: 4800, inserted: 0, unchanged: 4800 });
    expect(await countDuplicates(db.url)).toBe(0);
  });

  it.each([
    [
      'a source without history, named',
      { source: 'csv', assets: ['x'], from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' },
      /source "csv" cannot be backfilled/,
    ],
    [
      'an unknown source',
      { source: 'nosuch', assets: ['x'], from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' },
      /unknown source "nosuch"/,
    ],
    [
      'an asset the source never served',
      { source: 'coingecko', assets: ['no-such-coin'], from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' },
      /no-such-coin not known/,
    ],
    [
      'an empty range',
      { source: 'coingecko', assets: ['bitcoin'], from: '2025-01-02T00:00:00Z', to: '2025-01-02T00:00:00Z' },
      /to must be after from/,
    ],
    [
      'a date that is not ISO 8601',
      { source: 'coingecko', assets: ['bitcoin'], from: 'yesterday', to: '2025-01-02T00:00:00Z' },
      /from must be an ISO 8601/,
    ],
  ])('should answer 400 for %s', async (_case, body, message) => {
    const res = await http().post('/etl/backfills').set(key).send(body).expect(400);
    // Domain refusals carry `message`; validation ones list each field's message in `errors`.
    expect(JSON.stringify(res.body).replace(/\\"/g, '"')).toMatch(message);
  });

  it('should answer 404 for an unknown backfill and 401 without the admin key', async () => {
    await http().get('/etl/backfills/987654').set(key).expect(404);
    await http().get('/etl/backfills').expect(401);
    await http().post('/etl/backfills').send({}).expect(401);
  });

  it('should end a backfill whose batch failed as failed, with the committed chunks kept', async () => {
    const failing = await createTestApp({ ...env, ETL_FAILURE_INJECTION: 'coingecko:after=2500' });
    try {
      const body = {
        source: 'coingecko',
        assets: ['tether'],
        from: '2024-01-01T00:00:00Z',
        to: '2024-07-19T00:00:00Z',
      };
      const res = await request(failing.getHttpServer()).post('/etl/backfills').set(key).send(body).expect(202);
      let state: { status: string; chunks: { done: number }; error: string };
      do {
        await new Promise((r) => setTimeout(r, 50));
        state = (await request(failing.getHttpServer()).get(`/etl/backfills/${res.body.data.backfill_id}`).set(key))
          .body.data;
      } while (['queued', 'running'].includes(state.status));
      expect(state.status).toBe('failed');
      expect(state.error).toMatch(/injected failure/);
      expect(state.chunks.done).toBe(1);
      expect(
        (
          await sql<{ n: number }>(
            db,
            `SELECT count(*)::int AS n FROM market_quotes WHERE source_asset_id = 'tether' AND provenance = 'backfill'`,
          )
        )[0].n,
      ).toBeGreaterThanOrEqual(2160);
    } finally {
      await failing.close();
    }
  });

  it('should stop a backfill cancelled through its run at a batch boundary, keeping the chunks committed', async () => {
    upstream.faults.set('coingecko', [{ type: 'delay', ms: 1000, times: 3 }]);
    try {
      const body = {
        source: 'coingecko',
        assets: ['ripple'],
        from: '2024-01-01T00:00:00Z',
        to: '2024-07-19T00:00:00Z',
      };
      const id = (await http().post('/etl/backfills').set(key).send(body).expect(202)).body.data.backfill_id as string;
      let state: { status: string; run_id: string | null } = { status: 'queued', run_id: null };
      while (!state.run_id) state = (await http().get(`/etl/backfills/${id}`).set(key).expect(200)).body.data;

      await http().delete(`/etl/runs/${state.run_id}`).set(key).expect(202);
      const done = await waitForBackfill(id);

      expect(done.status).toBe('cancelled');
      expect(done.chunks.done).toBeLessThan(3);
      expect(await sql(db, `SELECT status FROM etl_runs WHERE id = $1`, [state.run_id])).toEqual([
        { status: 'cancelled' },
      ]);
      const [{ n }] = await sql<{ n: number }>(
        db,
        `SELECT count(*)::int AS n FROM market_quotes WHERE source_asset_id = 'ripple' AND provenance = 'backfill'`,
      );
      expect(n).toBe(done.records.inserted);
    } finally {
      upstream.faults.clear();
    }
  });

  it('should resume a backfill left running by a dead process at the next boot of an ETL process, at its next chunk', async () => {
    const body = {
      source: 'coingecko',
      assets: ['dogecoin'],
      from: '2024-01-01T00:00:00Z',
      to: '2024-07-19T00:00:00Z',
    };
    const id = (await http().post('/etl/backfills').set(key).send(body).expect(202)).body.data.backfill_id as string;
    await waitForBackfill(id);
    // What a process killed after its first chunk leaves behind: `running`, later chunks not done, their rows absent.
    const [first] = await sql<{ range_to: Date; run_id: string }>(
      db,
      `SELECT range_to, run_id::text AS run_id FROM etl_backfill_chunks WHERE backfill_id = $1 AND chunk_index = 0`,
      [id],
    );
    await sql(db, `UPDATE etl_backfills SET status = 'running', finished_at = NULL WHERE id = $1`, [id]);
    await sql(
      db,
      `UPDATE etl_backfill_chunks SET done_at = NULL, run_id = NULL WHERE backfill_id = $1 AND chunk_index > 0`,
      [id],
    );
    await sql(db, `DELETE FROM market_quotes WHERE source_asset_id = 'dogecoin' AND observed_at >= $1`, [
      first.range_to,
    ]);

    const booted = await createTestApp({ ...env, ETL_SCHEDULER_ENABLED: 'true', ETL_CRON: '0 0 1 1 *' });
    try {
      let state: { status: string; records: { inserted: number } };
      do {
        await new Promise((r) => setTimeout(r, 50));
        state = (await request(booted.getHttpServer()).get(`/etl/backfills/${id}`).set(key)).body.data;
      } while (state.status === 'running');
      expect(state.status).toBe('succeeded');
    } finally {
      await booted.close();
    }
    expect(await gaps('dogecoin', body.from, body.to)).toBe(0);
    const chunks = await sql<{ chunk_index: number; run_id: string }>(
      db,
      `SELECT chunk_index, run_id::text AS run_id FROM etl_backfill_chunks WHERE backfill_id = $1 ORDER BY chunk_index`,
      [id],
    );
    expect(chunks[0].run_id).toBe(first.run_id);
    expect(chunks[1].run_id).not.toBe(first.run_id);
    expect(await countDuplicates(db.url)).toBe(0);
  });
});
