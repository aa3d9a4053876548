import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { appendFileSync, chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner, type RunSummary } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

/** Each built-in source through the real ETL, against the loopback fixture upstreams and real PostgreSQL. */
describe('built-in sources end to end', () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  const dbs: TestDatabase[] = [];

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(600));
  });

  afterAll(async () => {
    await upstream?.stop();
    for (const db of dbs) await db.drop();
  });

  beforeEach(() => {
    upstream.faults.clear();
    upstream.setCoins(600);
  });

  async function withApp<T>(
    env: Record<string, string>,
    fn: (app: NestFastifyApplication, db: TestDatabase) => Promise<T>,
    db?: TestDatabase,
  ): Promise<T> {
    const database = db ?? (await createTestDatabase());
    if (!db) dbs.push(database);
    const app = await createTestApp({ ...fixtureEnv, DATABASE_URL: database.url, ...env });
    try {
      return await fn(app, database);
    } finally {
      await app.close();
    }
  }

  const run = (app: NestFastifyApplication, sources: string[]): Promise<RunSummary> =>
    app.get(EtlRunner).run({ trigger: 'manual', sources });

  async function sql<T = Record<string, unknown>>(
    db: TestDatabase,
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return queryRows<T>(db.url, text, params);
  }

  describe('coingecko', () => {
    it('should page through markets (3 pages of 250) and send the demo key header', async () => {
      await withApp({ ETL_SOURCES: 'coingecko', COINGECKO_API_KEY: 'demo-key-123' }, async (app) => {
        const before = upstream.requests.length;
        const summary = await run(app, ['coingecko']);

        expect(summary.sources.coingecko).toMatchObject({
          status: 'succeeded',
          totals: { extracted: 600, inserted: 600 },
        });
        const calls = upstream.requests.slice(before).filter((r) => r.route === 'coingecko');
        expect(calls.map((c) => new URL(c.path, 'http://x').searchParams.get('page'))).toEqual(['1', '2', '3']);
        expect(
          calls.every((c) => c.headers['x-cg-demo-api-key'] === 'demo-key-123' && !c.headers['x-cg-pro-api-key']),
        ).toBe(true);
      });
    });

    it('should send the pro header on the pro tier', async () => {
      await withApp(
        {
          ETL_SOURCES: 'coingecko',
          COINGECKO_API_KEY: 'pro-key-456',
          COINGECKO_API_TIER: 'pro',
          COINGECKO_MAX_PAGES: '1',
        },
        async (app) => {
          const before = upstream.requests.length;
          await run(app, ['coingecko']);
          const call = upstream.requests.slice(before).find((r) => r.route === 'coingecko')!;
          expect(call.headers['x-cg-pro-api-key']).toBe('pro-key-456');
        },
      );
    });

    it('should stop on a page that repeats the previous one, without duplicates', async () => {
      upstream.faults.set('coingecko', [{ type: 'delay', ms: 0 }, { type: 'repeat-page' }]);
      await withApp({ ETL_SOURCES: 'coingecko' }, async (app, db) => {
        const summary = await run(app, ['coingecko']);
        expect(summary.sources.coingecko).toMatchObject({
          status: 'succeeded',
          totals: { extracted: 250, inserted: 250 },
        });
        expect(await sql(db, `SELECT count(*)::int AS n FROM market_quotes`)).toEqual([{ n: 250 }]);
      });
    });

    it('should honour Retry-After on 429 (measured) and record the retry', async () => {
      upstream.faults.set('coingecko', [{ type: 'status', status: 429, retryAfter: 2 }]);
      await withApp({ ETL_SOURCES: 'coingecko', COINGECKO_MAX_PAGES: '1' }, async (app, db) => {
        const started = Date.now();
        const summary = await run(app, ['coingecko']);

        expect(summary.sources.coingecko.status).toBe('succeeded');
        expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
        const [ledger] = await sql<{ retries: number; retry_after_wait_ms: number }>(
          db,
          `SELECT retries, retry_after_wait_ms FROM etl_source_runs`,
        );
        expect(ledger.retries).toBe(1);
        expect(ledger.retry_after_wait_ms).toBeGreaterThanOrEqual(2000);
      });
    });

    it('should retry a burst of 5xx, timeouts and resets, then load everything', async () => {
      upstream.faults.set('coingecko', [
        { type: 'status', status: 503 },
        { type: 'reset' },
        { type: 'delay', ms: 3000 },
      ]);
      await withApp(
        { ETL_SOURCES: 'coingecko', COINGECKO_MAX_PAGES: '1', HTTP_TIMEOUT_MS: '500', HTTP_MAX_RETRIES: '4' },
        async (app, db) => {
          const summary = await run(app, ['coingecko']);
          expect(summary.sources.coingecko).toMatchObject({ status: 'succeeded', totals: { inserted: 250 } });
          expect(await sql(db, `SELECT retries FROM etl_source_runs`)).toEqual([{ retries: 3 }]);
        },
      );
    });

    it('should end as rate_limited when 429 persists, keeping what was committed', async () => {
      upstream.faults.set('coingecko', [
        { type: 'delay', ms: 0 },
        { type: 'status', status: 429, retryAfter: 0, times: 50 },
      ]);
      await withApp({ ETL_SOURCES: 'coingecko', HTTP_MAX_RETRIES: '2' }, async (app, db) => {
        const summary = await run(app, ['coingecko']);
        expect(summary.sources.coingecko.status).toBe('rate_limited');
        expect(await sql(db, `SELECT count(*)::int AS n FROM market_quotes`)).toEqual([{ n: 250 }]);
        expect((await sql<{ error_class: string }>(db, `SELECT error_class FROM etl_source_runs`))[0].error_class).toBe(
          'RetryBudgetExhaustedError',
        );
      });
    });

    it('should fail fast on 401 naming the likely cause, without retrying', async () => {
      upstream.faults.set('coingecko', [{ type: 'status', status: 401 }]);
      await withApp({ ETL_SOURCES: 'coingecko', COINGECKO_API_KEY: 'bad-key-secret' }, async (app, db) => {
        const before = upstream.requests.length;
        const summary = await run(app, ['coingecko']);
        expect(summary.sources.coingecko.status).toBe('failed');
        expect(upstream.requests.slice(before).filter((r) => r.route === 'coingecko')).toHaveLength(1);
        const [{ error_message }] = await sql<{ error_message: string }>(
          db,
          `SELECT error_message FROM etl_source_runs`,
        );
        expect(error_message).toMatch(/coingecko: upstream answered HTTP 401 .*API key is missing or invalid/);
        expect(error_message).not.toContain('bad-key-secret');
      });
    });

    it('should apply a renamed price field and record the drift', async () => {
      upstream.faults.setDrift('coingecko', { rename: { current_price: 'price_current' } });
      await withApp({ ETL_SOURCES: 'coingecko', COINGECKO_MAX_PAGES: '1' }, async (app, db) => {
        const summary = await run(app, ['coingecko']);
        expect(summary.sources.coingecko.totals).toMatchObject({ inserted: 250, quarantined: 0 });
        expect(
          await sql(
            db,
            `SELECT kind, field, candidate, confidence::float8 AS confidence, action FROM drift_events WHERE kind = 'renamed'`,
          ),
        ).toEqual([
          { kind: 'renamed', field: 'current_price', candidate: 'price_current', confidence: 1, action: 'applied' },
        ]);
      });
    });

    it('should quarantine rows when the required price disappears', async () => {
      upstream.faults.setDrift('coingecko', { remove: ['current_price'] });
      await withApp({ ETL_SOURCES: 'coingecko', COINGECKO_MAX_PAGES: '1' }, async (app, db) => {
        const summary = await run(app, ['coingecko']);
        expect(summary.sources.coingecko.totals).toMatchObject({ inserted: 0, quarantined: 250 });
        expect(await sql(db, `SELECT DISTINCT reason FROM quarantined_records`)).toEqual([
          { reason: 'required field "current_price" missing' },
        ]);
        expect(
          await sql(db, `SELECT severity FROM drift_events WHERE kind = 'missing' AND field = 'current_price'`),
        ).toEqual([{ severity: 'critical' }]);
      });
    });
  });

  describe('coinpaprika', () => {
    it('should stream a 10,000-ticker payload and send the key bare in Authorization', async () => {
      upstream.setCoins(10_000);
      await withApp(
        { ETL_SOURCES: 'coinpaprika', COINPAPRIKA_API_KEY: 'paprika-key', ETL_BATCH_SIZE: '2000' },
        async (app, db) => {
          const before = upstream.requests.length;
          const summary = await run(app, ['coinpaprika']);
          expect(summary.sources.coinpaprika).toMatchObject({
            status: 'succeeded',
            totals: { extracted: 10000, inserted: 10000 },
          });
          expect(upstream.requests.slice(before).find((r) => r.route === 'coinpaprika')!.headers.authorization).toBe(
            'paprika-key',
          );
          expect(await sql(db, `SELECT count(*)::int AS n FROM assets`)).toEqual([{ n: 10000 }]);
        },
      );
    });

    it('should retry a malformed JSON body, then load; a re-run changes nothing', async () => {
      upstream.faults.set('coinpaprika', [{ type: 'malformed' }]);
      await withApp({ ETL_SOURCES: 'coinpaprika' }, async (app) => {
        const first = await run(app, ['coinpaprika']);
        const second = await run(app, ['coinpaprika']);
        // The malformed body broke off mid-stream: the run failed cleanly; the next one loaded all.
        expect([first.sources.coinpaprika.status, second.sources.coinpaprika.status]).toEqual(['failed', 'succeeded']);
        expect(first.sources.coinpaprika.error).toMatch(/JSON|Parser|parse/i);
        const third = await run(app, ['coinpaprika']);
        expect(third.sources.coinpaprika.totals).toMatchObject({ inserted: 0, updated: 0 });
      });
    });
  });

  describe('rss', () => {
    it('should ingest the feed, dedupe on re-read, and link news to assets', async () => {
      await withApp({ ETL_SOURCES: 'coingecko,rss', COINGECKO_MAX_PAGES: '1' }, async (app, db) => {
        await run(app, ['coingecko', 'rss']);
        const again = await run(app, ['rss']);
        expect(again.sources.rss.totals).toMatchObject({ extracted: 30, inserted: 0, unchanged: 30 });
        expect(await sql(db, `SELECT count(*)::int AS n FROM news_items`)).toEqual([{ n: 30 }]);
        expect(
          (await sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM news_asset_mentions`))[0].n,
        ).toBeGreaterThan(20);
      });
    });

    it('should fail clearly on truncated XML after retries, without affecting other sources', async () => {
      upstream.faults.set('rss', [{ type: 'truncated', times: 10 }]);
      await withApp({ ETL_SOURCES: 'coingecko,rss', COINGECKO_MAX_PAGES: '1', HTTP_MAX_RETRIES: '1' }, async (app) => {
        const summary = await run(app, ['coingecko', 'rss']);
        expect(summary.status).toBe('partial');
        expect(summary.sources.coingecko.status).toBe('succeeded');
        expect(summary.sources.rss).toMatchObject({
          status: 'failed',
          error: expect.stringMatching(/not well-formed XML/),
        });
      });
    });
  });

  describe('csv', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'kasparro-csv-'));
      chmodSync(dir, 0o755);
      for (const f of ['csv_canonical_market.csv', 'csv_quirky_market.csv']) {
        copyFileSync(path.join(__dirname, '../../src/sources/csv/__fixtures__', f), path.join(dir, f));
      }
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('should load clean and quirky files, quarantine unfixable rows, skip unchanged files and re-read changed ones', async () => {
      await withApp({ ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir }, async (app, db) => {
        const first = await run(app, ['csv']);
        // The quirky file's ETH row is dated 02/05/2025 and no other date of that file settles the
        // day/month order: quarantined with the reason (docs/SOURCES.md "CSV dialects").
        expect(first.sources.csv).toMatchObject({ status: 'succeeded', totals: { extracted: 11, quarantined: 2 } });
        expect(await sql(db, `SELECT reason FROM quarantined_records ORDER BY reason`)).toEqual([
          { reason: expect.stringMatching(/^observed_at: ambiguous date "02\/05\/2025": /) },
          { reason: 'price_usd: not a number: "not_a_number"' },
        ]);

        const unchanged = await run(app, ['csv']);
        expect(unchanged.sources.csv.totals.extracted).toBe(0);

        appendFileSync(
          path.join(dir, 'csv_canonical_market.csv'),
          'ADA,Cardano,0.70,25000000000,500000000,1.5,9,2025-05-02T00:10:25Z\n',
        );
        const changed = await run(app, ['csv']);
        expect(changed.sources.csv.totals).toMatchObject({ extracted: 6, inserted: 1, unchanged: 5 });
      });
    });

    it('should keep file order and resume exactly when an unparseable line sits mid-file', async () => {
      rmSync(path.join(dir, 'csv_quirky_market.csv'));
      writeFileSync(
        path.join(dir, 'csv_canonical_market.csv'),
        [
          'symbol,name,price_usd,last_updated',
          'BTC,Bitcoin,1,2025-05-02',
          'ETH,Ethereum,2,2025-05-02',
          'SOL,Solana,3,2025-05-02',
          'XRP,X"RP,4,2025-05-02',
          'ADA,Cardano,5,2025-05-02',
          'DOT,Polkadot,6,2025-05-02',
          'LTC,Litecoin,7,2025-05-02',
        ].join('\n') + '\n',
      );
      const db = await createTestDatabase();
      dbs.push(db);
      await withApp(
        { ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir, ETL_BATCH_SIZE: '2', ETL_FAILURE_INJECTION: 'csv:after=3' },
        (app) => run(app, ['csv']),
        db,
      );
      await withApp({ ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir, ETL_BATCH_SIZE: '2' }, (app) => run(app, ['csv']), db);

      const keys = (
        await sql<{ natural_key: string; symbol: string }>(
          db,
          `SELECT natural_key, payload->>'symbol' AS symbol FROM raw_records ORDER BY natural_key`,
        )
      ).map((r) => `${r.natural_key}=${r.symbol}`);
      expect(keys).toEqual([
        'csv_canonical_market.csv#2=BTC',
        'csv_canonical_market.csv#3=ETH',
        'csv_canonical_market.csv#4=SOL',
        'csv_canonical_market.csv#6=ADA',
        'csv_canonical_market.csv#7=DOT',
        'csv_canonical_market.csv#8=LTC',
      ]);
      expect(await sql(db, `SELECT natural_key FROM quarantined_records`)).toEqual([
        { natural_key: 'csv_canonical_market.csv#5' },
      ]);
    });

    it('should resume a partly read file after a crash with no duplicate and no gap', async () => {
      const db = await createTestDatabase();
      dbs.push(db);
      const failed = await withApp(
        { ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir, ETL_BATCH_SIZE: '2', ETL_FAILURE_INJECTION: 'csv:after=3' },
        (app) => run(app, ['csv']),
        db,
      );
      const resumed = await withApp(
        { ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir, ETL_BATCH_SIZE: '2' },
        (app) => run(app, ['csv']),
        db,
      );

      expect(failed.sources.csv.status).toBe('failed');
      expect(failed.sources.csv.totals.extracted).toBe(2);
      expect(resumed.sources.csv.totals.extracted).toBe(9);
      expect(await sql(db, `SELECT count(*)::int AS n FROM raw_records`)).toEqual([{ n: 11 }]);
    });
  });
});
