import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner, type RunSummary } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

const COINS = 600;
const MINUTE = 60_000;

/**
 * Issue 17 §1: under the snapshot rule no new observation (asset, instant, values) is ever skipped,
 * whatever its `last_updated` compared to the others, and an unchanged one writes nothing.
 */
describe('snapshot stream state (CoinGecko, CoinPaprika)', () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  const dbs: TestDatabase[] = [];

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(COINS));
  });

  afterAll(async () => {
    await upstream?.stop();
    for (const db of dbs) await db.drop();
  });

  beforeEach(() => {
    upstream.faults.clear();
    upstream.overrides.clear();
    upstream.setCoins(COINS);
  });

  async function newDb(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    dbs.push(db);
    return db;
  }

  type SourceResult = RunSummary['sources'][string];

  async function runOnce(db: TestDatabase, source: string, env: Record<string, string> = {}): Promise<SourceResult> {
    const app: NestFastifyApplication = await createTestApp({
      ...fixtureEnv,
      DATABASE_URL: db.url,
      ETL_SOURCES: source,
      ...env,
    });
    try {
      return (await app.get(EtlRunner).run({ trigger: 'manual', sources: [source] })).sources[source];
    } finally {
      await app.close();
    }
  }

  async function sql<T = Record<string, unknown>>(
    db: TestDatabase,
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return queryRows<T>(db.url, text, params);
  }

  const quoteCount = async (db: TestDatabase, source: string): Promise<number> =>
    (await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM market_quotes WHERE source = $1`, [source]))[0].n;

  type CheckpointRow = { cursor: { snapshot: Record<string, unknown> } };
  const snapshotCursor = async (db: TestDatabase, source: string): Promise<Record<string, unknown>> =>
    (await sql<CheckpointRow>(db, `SELECT cursor FROM etl_checkpoints WHERE source = $1`, [source]))[0].cursor.snapshot;

  /** Symbols of the coins ranked `from`..`to` (1-based), as the fixture serves them. */
  const symbols = (from: number, to: number): string[] =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i)
      .map((rank) => (rank <= 42 ? undefined : `SYN${rank}`))
      .filter((s): s is string => !!s);

  describe.each(['coinpaprika', 'coingecko'])('%s', (source) => {
    it('should load a coin that first appears with a last_updated older than every stored one', async () => {
      const db = await newDb();
      upstream.setCoins(COINS - 5);
      await runOnce(db, source);
      upstream.setCoins(COINS);
      const older = new Date(upstream.snapshotTime.getTime() - 30 * MINUTE);
      for (const s of symbols(COINS - 4, COINS)) upstream.overrides.set(s, { lastUpdated: older });

      const second = await runOnce(db, source);

      expect(second.totals).toMatchObject({ extracted: COINS, inserted: 5, updated: 0, unchanged: COINS - 5 });
      const late = await sql<{ n: number }>(
        db,
        `SELECT count(*)::int AS n FROM market_quotes WHERE source = $1 AND observed_at = $2`,
        [source, older],
      );
      expect(late).toEqual([{ n: 5 }]);
    });

    it('should load a coin that comes back from a cached page with an old last_updated (never stored)', async () => {
      const db = await newDb();
      await runOnce(db, source);
      upstream.advance(10 * MINUTE);
      const cached = new Date(upstream.snapshotTime.getTime() - 20 * MINUTE);
      for (const s of symbols(300, 309)) upstream.overrides.set(s, { lastUpdated: cached });

      const second = await runOnce(db, source);

      // Every coin is a new instant: 590 at the new snapshot time, 10 at the older cached one.
      expect(second.totals).toMatchObject({ inserted: COINS, updated: 0 });
      expect(await quoteCount(db, source)).toBe(2 * COINS);
    });

    it('should update a quote whose value changed under the same last_updated', async () => {
      const db = await newDb();
      await runOnce(db, source);
      for (const s of ['BTC', 'ETH', 'SYN100']) upstream.overrides.set(s, { priceFactor: 1.5 });

      const second = await runOnce(db, source);

      expect(second.totals).toMatchObject({ extracted: COINS, inserted: 0, updated: 3, unchanged: COINS - 3 });
      expect(await quoteCount(db, source)).toBe(COINS);
      const btcId = source === 'coingecko' ? 'bitcoin' : 'btc-bitcoin';
      const [btc] = await sql<{ price: string }>(
        db,
        `SELECT price_usd::text AS price FROM market_quotes WHERE source = $1 AND source_asset_id = $2`,
        [source, btcId],
      );
      const expected = 96518 * (source === 'coingecko' ? 0.9987 : 1.0021) * 1.5;
      expect(Number(btc.price)).toBeCloseTo(expected, 2);
    });

    it('should load every observation after the upstream clock goes back', async () => {
      const db = await newDb();
      await runOnce(db, source);
      upstream.advance(-60 * MINUTE);

      const second = await runOnce(db, source);
      upstream.advance(60 * MINUTE);

      expect(second.totals).toMatchObject({ inserted: COINS, updated: 0 });
      expect(await quoteCount(db, source)).toBe(2 * COINS);
    });

    it('should write nothing when the snapshot is unchanged (no new row version, no row lock)', async () => {
      const db = await newDb();
      await runOnce(db, source);
      const versions = `SELECT 'q' || id AS id, xmin::text AS xmin, xmax::text AS xmax FROM market_quotes
                        UNION ALL SELECT 'r' || natural_key || '@' || observed_at::text, xmin::text, xmax::text FROM raw_records ORDER BY 1`;
      const before = await sql(db, versions);

      const second = await runOnce(db, source);

      expect(second.totals).toEqual({
        extracted: COINS,
        inserted: 0,
        updated: 0,
        unchanged: COINS,
        duplicate: 0,
        quarantined: 0,
      });
      expect(await sql(db, versions)).toEqual(before);
      expect(before).toHaveLength(2 * COINS);
      expect(await snapshotCursor(db, source)).toMatchObject({ complete: true, records_read: COINS });
    });
  });

  describe('coingecko paging stopped early', () => {
    const source = 'coingecko';

    /** Coins past page 1 carry an older last_updated than page 1: a global watermark from run 1 would skip them. */
    function olderPastPageOne(): void {
      const older = new Date(upstream.snapshotTime.getTime() - 15 * MINUTE);
      for (const s of symbols(251, COINS)) upstream.overrides.set(s, { lastUpdated: older });
    }

    it('should read the pages after a repeated page on the next run', async () => {
      const db = await newDb();
      olderPastPageOne();
      upstream.faults.set('coingecko', [{ type: 'delay', ms: 0 }, { type: 'repeat-page' }]);
      const first = await runOnce(db, source);
      expect(first).toMatchObject({ status: 'succeeded', totals: { inserted: 250 } });
      expect(await snapshotCursor(db, source)).toMatchObject({
        complete: false,
        pages_read: 1,
        stopped_early: 'page 2 repeated page 1',
      });

      const second = await runOnce(db, source);

      expect(second.totals).toMatchObject({ inserted: COINS - 250, unchanged: 250 });
      expect(await quoteCount(db, source)).toBe(COINS);
      expect(await snapshotCursor(db, source)).toMatchObject({ complete: true, pages_read: 3 });
    });

    it('should read the pages after a failed page on the next run', async () => {
      const db = await newDb();
      olderPastPageOne();
      upstream.faults.set('coingecko', [
        { type: 'delay', ms: 0 },
        { type: 'status', status: 500, times: 10 },
      ]);
      const first = await runOnce(db, source, { HTTP_MAX_RETRIES: '1' });
      expect(first).toMatchObject({ status: 'failed', totals: { inserted: 250 } });
      expect(await snapshotCursor(db, source)).toMatchObject({ complete: false, pages_read: 1 });
      upstream.faults.clear();

      const second = await runOnce(db, source);

      expect(second).toMatchObject({ status: 'succeeded', totals: { inserted: COINS - 250, unchanged: 250 } });
      expect(await quoteCount(db, source)).toBe(COINS);
    });

    it('should read the pages beyond COINGECKO_MAX_PAGES once it is raised', async () => {
      const db = await newDb();
      olderPastPageOne();
      const first = await runOnce(db, source, { COINGECKO_MAX_PAGES: '1' });
      expect(first.totals).toMatchObject({ inserted: 250 });
      expect(await snapshotCursor(db, source)).toMatchObject({
        complete: false,
        stopped_early: 'COINGECKO_MAX_PAGES (1) reached',
      });

      const second = await runOnce(db, source, { COINGECKO_MAX_PAGES: '3' });

      expect(second.totals).toMatchObject({ inserted: COINS - 250, unchanged: 250 });
      expect(await quoteCount(db, source)).toBe(COINS);
    });
  });
});
