import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { SourceCountersRepository } from '../../src/catalog/counters/source-counters.repository.js';
import { EtlRunner, type RunSummary } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

const ADMIN_KEY = 'counters-test-admin-key-0123456789';
const HEADER = 'symbol,name,price_usd,market_cap_usd,volume_24h_usd,change_24h_pct,rank,circulating_supply,observed_at';
const SYMBOLS = ['CA', 'CB', 'CC', 'CD'];
const INSTANTS = ['2025-05-01T00:00:00Z', '2025-05-01T01:00:00Z', '2025-05-01T02:00:00Z'];

const line = (symbol: string, at: string, price: string) =>
  `${symbol},${symbol} coin,${price},1000000,5000,1.5,10,21000000,${at}`;
const grid = (price: (i: number) => string) =>
  SYMBOLS.flatMap((s, i) => INSTANTS.map((at, j) => line(s, at, price(i * 10 + j))));

describe(SourceCountersRepository.name, () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let dir: string;
  const http = () => request(app.getHttpServer());
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => queryRows<T>(db.url, text, params);
  const writeCsv = (name: string, rows: string[]) =>
    writeFileSync(path.join(dir, name), `${[HEADER, ...rows].join('\n')}\n`);
  const run = (): Promise<RunSummary> => app.get(EtlRunner).run({ trigger: 'manual', sources: ['csv'] });

  /** The counters next to count(*) of every counted table, per source. */
  async function countersAndCounts(): Promise<{ counters: Record<string, number>; counted: Record<string, number> }> {
    const counters = await sql<{ k: string; n: string }>(
      `SELECT table_name || '/' || source AS k, rows::text AS n FROM source_counters WHERE rows <> 0`,
    );
    const counted = await sql<{ k: string; n: string }>(
      `SELECT 'market_quotes/' || source AS k, count(*)::text AS n FROM market_quotes GROUP BY source
       UNION ALL SELECT 'news_items/' || source, count(*)::text FROM news_items GROUP BY source
       UNION ALL SELECT 'quarantined_records/' || source, count(*)::text FROM quarantined_records GROUP BY source`,
    );
    const toMap = (rows: Array<{ k: string; n: string }>) =>
      Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]).sort());
    return { counters: toMap(counters), counted: toMap(counted) };
  }

  async function expectExact(): Promise<Record<string, number>> {
    const { counters, counted } = await countersAndCounts();
    expect(counters).toEqual(counted);
    return counters;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    // A value only the database refuses (row isolation), and a failure at COMMIT, after the counters
    // were written in the batch's transaction (a deferred constraint trigger): the batch rolls back.
    await sql(`ALTER TABLE market_quotes ADD CONSTRAINT counters_check CHECK (price_usd <> 13.37)`);
    await sql(`CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.price_usd = 66.6 THEN RAISE EXCEPTION 'refused at commit'; END IF;
        RETURN NULL;
      END $$`);
    await sql(`CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT OR UPDATE ON market_quotes
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_at_commit()`);
    dir = mkdtempSync(path.join(tmpdir(), 'kasparro-counters-'));
    app = await createTestApp({
      ETL_SOURCES: 'csv',
      CSV_SOURCE_DIR: dir,
      ETL_BATCH_SIZE: '4',
      ADMIN_API_KEY: ADMIN_KEY,
      DATABASE_URL: db.url,
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should count every inserted quote and quarantined row in the batch transaction, exactly', async () => {
    // Twelve quotes, a duplicate of one (same asset and instant), a row out of the envelope and a row
    // the database refuses (isolated in savepoints, quarantined).
    writeCsv('a.csv', [
      ...grid((i) => `${100 + i}.5`),
      line('CA', INSTANTS[0], '99.25'),
      line('CQ', INSTANTS[0], '1e999999'),
      line('CR', INSTANTS[0], '13.37'),
    ]);

    const summary = await run();

    expect(summary.sources.csv).toMatchObject({ status: 'succeeded', totals: { inserted: 12, quarantined: 2 } });
    expect(await expectExact()).toEqual({ 'market_quotes/csv': 12, 'quarantined_records/csv': 2 });
  });

  it('should serve /stats and /data totals from the counters (exact, not estimates)', async () => {
    const stats = (await http().get('/stats').expect(200)).body.data;
    expect(stats.totals).toMatchObject({ market_quotes: 12, quarantined_records: 2, news_items: 0 });
    expect(stats.sources.find((s: { source: string }) => s.source === 'csv').records_total).toBe(12);

    for (const query of ['', '?source=csv']) {
      const page = (await http().get(`/data${query}`).expect(200)).body;
      expect(page.pagination).toMatchObject({ total: 12, total_is_estimate: false });
    }
    expect((await http().get('/data?source=coingecko').expect(200)).body.pagination).toMatchObject({
      total: 0,
      total_is_estimate: false,
    });
  });

  it('should count filtered /data lists exactly below the threshold', async () => {
    const page = (await http().get(`/data?symbol=CB&from=${INSTANTS[1]}`).expect(200)).body;

    expect(page.pagination).toEqual({
      limit: expect.any(Number),
      next_cursor: null,
      total: 2,
      total_is_estimate: false,
    });
    expect(page.data).toHaveLength(2);
  });

  it('should leave the counters unchanged when the same rows are read again, or updated', async () => {
    writeCsv('b-same.csv', grid((i) => `${100 + i}.5`).slice(1));
    expect((await run()).sources.csv).toMatchObject({ status: 'succeeded', totals: { inserted: 0, unchanged: 11 } });
    await expectExact();

    writeCsv(
      'c-updated.csv',
      grid((i) => `${200 + i}.5`),
    );
    expect((await run()).sources.csv).toMatchObject({ status: 'succeeded', totals: { inserted: 0, updated: 12 } });
    expect(await expectExact()).toEqual({ 'market_quotes/csv': 12, 'quarantined_records/csv': 2 });
  });

  it('should not count the rows of a batch that rolled back, even after its counters were written', async () => {
    const before = await expectExact();
    // New instants: inserted rows; one of them fails only at COMMIT, after the counter update.
    writeCsv('d-rollback.csv', [line('CA', '2025-05-02T00:00:00Z', '5.5'), line('CB', '2025-05-02T00:00:00Z', '66.6')]);

    const summary = await run();

    expect(summary.sources.csv.status).not.toBe('succeeded');
    expect(await expectExact()).toEqual(before);
    rmSync(path.join(dir, 'd-rollback.csv'));
  });

  it('should subtract the duplicate quotes an admin merge drops', async () => {
    // An asset with no source id holding quotes at the instants CA has from csv (as left by an
    // earlier identity decision), and one more instant CA lacks.
    const [{ id: ca }] = await sql<{ id: string }>(`SELECT id FROM assets WHERE symbol = 'CA'`);
    const stray = '00000000-0000-4000-8000-00000000c0de';
    await sql(
      `INSERT INTO assets (id, asset_key, symbol, name, needs_review) VALUES ($1, 'stray-ca', 'CA', 'Stray CA', false)`,
      [stray],
    );
    await sql(
      `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash)
       SELECT $1::uuid, source, source_asset_id, observed_at, price_usd + 1, 'stray' FROM market_quotes WHERE asset_id = $2::uuid
       UNION ALL SELECT $1::uuid, 'csv', 'stray', '2025-04-30T00:00:00Z', 1, 'stray'`,
      [stray, ca],
    );
    // Rows written behind the counters' back: recount repairs them (what a bulk operation calls).
    const counters = app.get(SourceCountersRepository);
    await app.get<DataSource>(getDataSourceToken()).transaction((m) => counters.recount(m, 'csv'));
    expect(await expectExact()).toEqual({ 'market_quotes/csv': 16, 'quarantined_records/csv': 2 });

    const merged = (
      await http().post(`/assets/${ca}/merge`).set('x-api-key', ADMIN_KEY).send({ from: stray }).expect(200)
    ).body.data;

    expect(merged).toMatchObject({ dropped_duplicate_quotes: 3, moved: { quotes: 1 } });
    expect(await expectExact()).toEqual({ 'market_quotes/csv': 13, 'quarantined_records/csv': 2 });
    expect((await http().get('/stats').expect(200)).body.data.totals.market_quotes).toBe(13);
  });

  it('should subtract the rows of a relation before it is dropped (a retention partition)', async () => {
    await sql(`CREATE TABLE old_quotes AS SELECT * FROM market_quotes WHERE observed_at < '2025-05-01T01:00:00Z'`);
    const counters = app.get(SourceCountersRepository);
    const ds = app.get<DataSource>(getDataSourceToken());

    await ds.transaction(async (m) => {
      await counters.subtractRowsOf(m, 'market_quotes', 'old_quotes');
      await m.query(`DELETE FROM market_quotes WHERE observed_at < '2025-05-01T01:00:00Z'`);
      await m.query(`DROP TABLE old_quotes`);
    });

    expect(await expectExact()).toEqual({ 'market_quotes/csv': 8, 'quarantined_records/csv': 2 });
    await expect(counters.subtractRowsOf(ds.manager, 'market_quotes', 'x; DROP TABLE assets')).rejects.toThrow(
      /not a relation name/,
    );
  });

  it('should recount from scratch to the same values', async () => {
    const before = await expectExact();
    await sql(`UPDATE source_counters SET rows = rows + 1000`);
    await sql(`INSERT INTO source_counters (source, table_name, rows) VALUES ('gone', 'news_items', 5)`);

    await app.get<DataSource>(getDataSourceToken()).transaction((m) => app.get(SourceCountersRepository).recount(m));

    expect(await expectExact()).toEqual(before);
  });
});

describe(`${SourceCountersRepository.name} (news)`, () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let stopUpstream: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const { upstream, env } = await startFixtures(20);
    stopUpstream = () => upstream.stop();
    app = await createTestApp({ ...env, ETL_SOURCES: 'rss', DATABASE_URL: db.url });
  });

  afterAll(async () => {
    await app?.close();
    await stopUpstream?.();
    await db?.drop();
  });

  it('should count the news items a batch inserts, and nothing when the feed is read again', async () => {
    const counted = async () => {
      const [row] = await queryRows<{ counter: string | null; n: string }>(
        db.url,
        `SELECT (SELECT rows::text FROM source_counters WHERE source = 'rss' AND table_name = 'news_items') AS counter,
                (SELECT count(*)::text FROM news_items WHERE source = 'rss') AS n`,
      );
      return row;
    };
    expect((await app.get(EtlRunner).run({ trigger: 'manual', sources: ['rss'] })).sources.rss.status).toBe(
      'succeeded',
    );
    const first = await counted();
    expect(Number(first.n)).toBeGreaterThan(0);
    expect(first.counter).toBe(first.n);

    await app.get(EtlRunner).run({ trigger: 'manual', sources: ['rss'] });

    expect(await counted()).toEqual(first);
    const page = (await request(app.getHttpServer()).get('/news?source=rss').expect(200)).body;
    expect(page.pagination).toMatchObject({ total: Number(first.n), total_is_estimate: false });
  });
});
