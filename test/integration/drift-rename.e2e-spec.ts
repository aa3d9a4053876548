import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner, type RunSummary } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';

const ADMIN_KEY = 'drift-test-admin-key-0123456789';
type Events = Array<Record<string, any>>;
const COINS = 250;

/**
 * The rename rule through the real ETL: the CoinGecko fixture upstream renames its price field and
 * offers a price-like field in another unit; real PostgreSQL; the reject endpoint over HTTP.
 */
describe('drift: the rename rule end to end', () => {
  let upstream: FixtureUpstream;
  const dbs: TestDatabase[] = [];
  const apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    // Hours in the past, so that advancing the snapshot never reaches the future.
    const snapshotAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 6 * 3_600_000);
    upstream = await new FixtureUpstream({ coins: COINS, snapshotAt }).start();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await upstream?.stop();
    for (const db of dbs) await db.drop();
  });

  async function boot(env: Record<string, string> = {}): Promise<{ app: NestFastifyApplication; db: TestDatabase }> {
    const db = await createTestDatabase();
    dbs.push(db);
    const app = await createTestApp({
      ...upstream.env(),
      DATABASE_URL: db.url,
      ETL_SOURCES: 'coingecko',
      COINGECKO_MAX_PAGES: '1',
      COINGECKO_RATE_LIMIT_PER_MIN: '6000',
      HTTP_RETRY_BASE_MS: '10',
      HTTP_TIMEOUT_MS: '2000',
      ADMIN_API_KEY: ADMIN_KEY,
      ...env,
    });
    apps.push(app);
    return { app, db };
  }

  const run = (app: NestFastifyApplication, source = 'coingecko'): Promise<RunSummary> =>
    app.get(EtlRunner).run({ trigger: 'manual', sources: [source] });

  async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string, params: unknown[] = []) {
    return queryRows<T>(db.url, text, params);
  }

  it('should not apply a rename to another name on a first run: it is proposed, the rows quarantined', async () => {
    upstream.faults.setDrift('coingecko', { rename: { current_price: 'current_price_now' } });
    const { app, db } = await boot();

    const summary = await run(app);

    expect(summary.sources.coingecko.totals).toMatchObject({ inserted: 0, quarantined: COINS });
    const [event] = (await request(app.getHttpServer()).get('/drift-events?kind=renamed').expect(200)).body.data;
    expect(event).toMatchObject({
      field: 'current_price',
      candidate: 'current_price_now',
      status: 'proposed',
      action: 'quarantined',
      rejected_at: null,
    });
    expect(event.evidence).toMatchObject({
      same_name: false,
      qualifiers: { match: true },
      type: { match: true },
      values: { checked: false },
    });
    expect(await sql(db, `SELECT DISTINCT reason FROM quarantined_records`)).toEqual([
      { reason: expect.stringMatching(/^required field "current_price" missing \(rename to "current_price_now" not/) },
    ]);
    upstream.faults.clear();
  });

  describe('with accepted values from an earlier run', () => {
    let app: NestFastifyApplication;
    let db: TestDatabase;
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      upstream.faults.clear();
      ({ app, db } = await boot());
    });

    it('should keep the last accepted values of the first run for the rule to compare with', async () => {
      const summary = await run(app);

      expect(summary.sources.coingecko.totals).toMatchObject({ inserted: COINS, quarantined: 0 });
      const [{ n }] = await sql<{ n: number }>(
        db,
        `
        SELECT count(*)::int AS n FROM drift_field_baselines WHERE source = 'coingecko' AND field = 'current_price'`,
      );
      expect(n).toBe(COINS);
    });

    it('should apply the plausible rename and never store the price-like field in another unit', async () => {
      upstream.advance(60_000);
      // `current_price_btc` is 0.8 similar to `current_price` (applied before the rule) and holds atl = price / 100.
      const rename = { current_price: 'current_price_now', atl: 'current_price_btc' };
      upstream.faults.setDrift('coingecko', { rename });

      const summary = await run(app);

      expect(summary.sources.coingecko.totals).toMatchObject({ inserted: COINS, quarantined: 0 });
      const mismatched = await sql(
        db,
        `
        SELECT a.source_asset_id FROM market_quotes a
          JOIN market_quotes b ON b.asset_id = a.asset_id AND b.observed_at > a.observed_at
         WHERE a.price_usd <> b.price_usd`,
      );
      expect(mismatched).toEqual([]);
      const [{ observations }] = await sql<{ observations: number }>(
        db,
        `SELECT count(DISTINCT observed_at)::int AS observations FROM market_quotes`,
      );
      expect(observations).toBe(2);
    });

    it('should show the evidence of the applied and the rejected rename in /drift-events', async () => {
      const events = (await http().get('/drift-events?kind=renamed').expect(200)).body.data as Events;
      const applied = events.find((e) => e.candidate === 'current_price_now')!;
      const refused = events.find((e) => e.candidate === 'current_price_btc')!;

      expect(applied).toMatchObject({ field: 'current_price', status: 'applied', action: 'applied', confidence: 0.8 });
      expect(applied.evidence).toMatchObject({
        status: 'applied',
        similarity: 0.8,
        threshold: 0.8,
        same_name: false,
        qualifiers: { match: true, differing: [] },
        type: { expected: 'number', observed: ['number'], match: true },
        values: { checked: true, plausible: true, compared: COINS, median_ratio: 1, factor: 10 },
      });
      expect(applied.evidence.values.samples[0]).toEqual({
        asset: expect.any(String),
        previous: expect.any(Number),
        candidate: expect.any(Number),
        ratio: 1,
      });
      expect(refused).toMatchObject({ field: 'current_price', status: 'rejected', action: 'logged' });
      expect(refused.evidence).toMatchObject({
        qualifiers: { match: false, differing: ['currency'], candidate: ['currency:btc'] },
      });
      const appliedOnly = (await http().get('/drift-events?status=applied').expect(200)).body.data as Events;
      expect(appliedOnly.map((e) => e.candidate)).toEqual(['current_price_now']);
      expect((await http().get('/drift-events?status=weird').expect(400)).body.errors[0].field).toBe('status');
    });

    it('should let only an admin reject a rename, idempotently, with 404/409/400 for the wrong ids', async () => {
      const events = (await http().get('/drift-events?limit=100').expect(200)).body.data as Events;
      const applied = events.find((e) => e.candidate === 'current_price_now')!;
      const notARename = events.find((e) => e.kind !== 'renamed')!;

      const anonymous = await http().post(`/drift-events/${applied.id}/reject`).expect(401);
      expect(anonymous.body.request_id).toEqual(expect.any(String));
      await http().post(`/drift-events/${applied.id}/reject`).set('x-api-key', 'wrong-key-wrong-key').expect(401);
      const reject = (id: string) => http().post(`/drift-events/${id}/reject`).set('x-api-key', ADMIN_KEY);
      const first = (await reject(applied.id).expect(200)).body.data;
      const again = (await reject(applied.id).expect(200)).body.data;
      const unknown = await http().post('/drift-events/999999/reject').set('x-api-key', ADMIN_KEY).expect(404);
      const conflict = await reject(notARename.id).expect(409);
      const invalid = await http().post('/drift-events/abc/reject').set('x-api-key', ADMIN_KEY).expect(400);

      expect(first).toMatchObject({ id: applied.id, status: 'rejected', rejected_at: expect.any(String) });
      expect(again.rejected_at).toBe(first.rejected_at);
      expect(unknown.body).toMatchObject({ statusCode: 404, request_id: expect.any(String) });
      expect(conflict.body.message).toMatch(/not a rename/);
      expect(invalid.body.errors[0].field).toBe('id');
    });

    it('should no longer apply a rejected rename: the next run quarantines the rows as missing the field', async () => {
      upstream.advance(60_000);

      const summary = await run(app);

      expect(summary.sources.coingecko.totals).toMatchObject({ inserted: 0, quarantined: COINS });
      expect(await sql(db, `SELECT DISTINCT reason FROM quarantined_records`)).toEqual([
        { reason: expect.stringMatching(/^required field "current_price" missing/) },
      ]);
      const [{ n }] = await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM market_quotes`);
      expect(n).toBe(2 * COINS);
      const rejected = (await http().get('/drift-events?status=rejected').expect(200)).body.data as Events;
      const byAdmin = rejected.find((e) => e.candidate === 'current_price_now');
      expect(byAdmin).toMatchObject({ status: 'rejected', rejected_at: expect.any(String) });
    });
  });

  it('should take a plausible renamed CSV column, never a 12 h volume for the 24 h one (CSV folder)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kasparro-drift-'));
    chmodSync(dir, 0o755);
    try {
      writeFileSync(
        path.join(dir, '2025-05-01.csv'),
        [
          'symbol,name,price_usd,volume_24h_usd,last_updated',
          'BTC,Bitcoin,96000.5,30000000000,2025-05-01T00:00:00Z',
          'ETH,Ethereum,3500.25,15000000000,2025-05-01T00:00:00Z',
        ].join('\n') + '\n',
      );
      const { app, db } = await boot({ ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir });
      expect((await run(app, 'csv')).sources.csv.totals).toMatchObject({ inserted: 2, quarantined: 0 });

      writeFileSync(
        path.join(dir, '2025-05-02.csv'),
        [
          'symbol,name,prices_usd,volume_12h_usd,last_updated',
          'BTC,Bitcoin,97000.5,14000000000,2025-05-02T00:00:00Z',
          'ETH,Ethereum,3550.25,7000000000,2025-05-02T00:00:00Z',
        ].join('\n') + '\n',
      );
      const second = await run(app, 'csv');

      expect(second.sources.csv.totals).toMatchObject({ inserted: 2, quarantined: 0 });
      const stored = await sql(
        db,
        `
        SELECT source_asset_id, price_usd::text, volume_24h_usd::text FROM market_quotes
         WHERE observed_at = '2025-05-02T00:00:00Z' ORDER BY 1`,
      );
      expect(stored).toEqual([
        { source_asset_id: 'BTC:bitcoin', price_usd: '97000.5', volume_24h_usd: null },
        { source_asset_id: 'ETH:ethereum', price_usd: '3550.25', volume_24h_usd: null },
      ]);
      const renames = await sql(
        db,
        `
        SELECT field, candidate, status, evidence->'qualifiers'->'differing' AS differing
          FROM drift_events WHERE kind = 'renamed' ORDER BY field`,
      );
      expect(renames).toEqual([
        { field: 'price_usd', candidate: 'prices_usd', status: 'applied', differing: [] },
        { field: 'volume_24h_usd', candidate: 'volume_12h_usd', status: 'rejected', differing: ['window'] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should answer 403 on reject when the service has no admin key', async () => {
    const { app } = await boot({ ADMIN_API_KEY: '' });

    await request(app.getHttpServer()).post('/drift-events/1/reject').set('x-api-key', ADMIN_KEY).expect(403);
  });
});
