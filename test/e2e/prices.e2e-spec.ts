import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { LatestQuotesAndPriceEvents1764300000030 } from '../../migrations/1764300000030-LatestQuotesAndPriceEvents.js';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { AssetIdentityRepository } from '../../src/catalog/asset-identity.repository.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

const ADMIN_KEY = 'prices-test-admin-key-0123456789';
const BUDGET = 43_200;

/** latest_quotes next to what it must always equal: the newest quote of each asset and source. */
async function latestVsDistinctOn(url: string): Promise<{ state: unknown[]; truth: unknown[] }> {
  const cols = `asset_id::text, source, source_asset_id, observed_at, price_usd::text, market_cap_usd::text, volume_24h_usd::text`;
  const state = await queryRows(url, `SELECT ${cols} FROM latest_quotes ORDER BY asset_id, source`);
  const truth = await queryRows(
    url,
    `SELECT * FROM (SELECT DISTINCT ON (asset_id, source) ${cols} FROM market_quotes
                                        ORDER BY asset_id, source, observed_at DESC) t ORDER BY asset_id, source`,
  );
  return { state, truth };
}

describe('GET /prices, lookups by source id, /assets?q ranking, /news?symbol (real ETL, real PostgreSQL)', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(60);
    upstream = fixtures.upstream;
    app = await createTestApp({
      ...fixtures.env,
      DATABASE_URL: db.url,
      ADMIN_API_KEY: ADMIN_KEY,
      ETL_FRESHNESS_BUDGET_SECONDS: String(BUDGET),
    });
    const run = await app.get(EtlRunner).run({ trigger: 'manual' });
    // The failing sources' errors in the message, if any.
    const errors = Object.entries(run.sources).flatMap(([source, r]) => (r.error ? [`${source}: ${r.error}`] : []));
    expect({ status: run.status, errors }).toEqual({ status: 'succeeded', errors: [] });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  describe('latest_quotes', () => {
    it('should equal a DISTINCT ON over market_quotes after ingest, and after a second run that moves time forward', async () => {
      const first = await latestVsDistinctOn(db.url);
      expect(first.state.length).toBeGreaterThan(100);
      expect(first.state).toEqual(first.truth);

      upstream.advance(60_000);
      expect((await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coingecko'] })).status).toBe('succeeded');
      const second = await latestVsDistinctOn(db.url);
      expect(second.state).toEqual(second.truth);
      expect(second.state).not.toEqual(first.state);
    });

    it('should stay equal through an operator split and merge that move quotes between assets', async () => {
      const [btc] = await queryRows<{ id: string }>(
        db.url,
        `SELECT asset_id::text AS id FROM asset_source_ids WHERE source = 'coingecko' AND source_asset_id = 'bitcoin'`,
      );
      const split = await http()
        .post(`/assets/${btc.id}/split`)
        .set('x-api-key', ADMIN_KEY)
        .send({ source: 'coinpaprika', source_asset_id: 'btc-bitcoin', reason: 'test' })
        .expect(200);
      const moved = await latestVsDistinctOn(db.url);
      expect(moved.state).toEqual(moved.truth);
      const newId = split.body.data.new_asset_id as string;
      const [row] = await queryRows<{ n: number }>(
        db.url,
        `SELECT count(*)::int AS n FROM latest_quotes WHERE asset_id = $1 AND source = 'coinpaprika'`,
        [newId],
      );
      expect(row.n).toBe(1);

      await http()
        .post(`/assets/${btc.id}/merge`)
        .set('x-api-key', ADMIN_KEY)
        .send({ from: newId, reason: 'test' })
        .expect(200);
      const merged = await latestVsDistinctOn(db.url);
      expect(merged.state).toEqual(merged.truth);
      // The absorbed id still answers (/prices follows the merge to the survivor).
      const res = await http().get(`/prices?asset_ids=${newId}`).expect(200);
      expect(res.body.data.map((i: any) => i.asset.id)).toEqual([btc.id]);
      expect(res.body.data[0].sources.map((s: any) => s.source)).toEqual(['coingecko', 'coinpaprika', 'csv']);
    });
  });

  it('should stay equal when the identity resolver moves a source id (and its quotes) to another asset and back', async () => {
    const [eth] = await queryRows<{ id: string }>(
      db.url,
      `SELECT asset_id::text AS id FROM asset_source_ids WHERE source = 'coinpaprika' AND source_asset_id = 'eth-ethereum'`,
    );
    const other = '6d1b7f6e-0000-5000-8000-00000000e7e1';
    const identity = app.get(AssetIdentityRepository);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const move = (from: string, to: string) => ({
      source: 'coinpaprika',
      sourceAssetId: 'eth-ethereum',
      fromAssetId: from,
      assetId: to,
      matchMethod: 'new',
      confidence: 1,
    });
    const empty = { assets: [], inserted: [], changed: [], vacated: [], rekeyed: [], evidence: [] };
    await dataSource.transaction((m) =>
      identity.applyBlockPlan(m, {
        ...empty,
        assets: [
          {
            id: other,
            assetKey: 'eth:moved-test',
            symbol: 'ETH',
            name: 'Moved Test',
            rank: null,
            needsReview: false,
            reviewReason: null,
          },
        ],
        changed: [move(eth.id, other)],
      }),
    );
    const moved = await latestVsDistinctOn(db.url);
    expect(moved.state).toEqual(moved.truth);
    expect(await queryRows(db.url, `SELECT source FROM latest_quotes WHERE asset_id = $1`, [other])).toEqual([
      { source: 'coinpaprika' },
    ]);

    await dataSource.transaction((m) =>
      identity.applyBlockPlan(m, { ...empty, changed: [move(other, eth.id)], vacated: [other] }),
    );
    const back = await latestVsDistinctOn(db.url);
    expect(back.state).toEqual(back.truth);
    expect(await queryRows(db.url, `SELECT id FROM assets WHERE id = $1`, [other])).toEqual([]);
  });

  describe('migration', () => {
    it('should backfill latest_quotes from the quotes already stored (down, then up again)', async () => {
      const runner = app.get<DataSource>(getDataSourceToken()).createQueryRunner();
      const migration = new LatestQuotesAndPriceEvents1764300000030();
      try {
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      const { state, truth } = await latestVsDistinctOn(db.url);
      expect(state.length).toBeGreaterThan(100);
      expect(state).toEqual(truth);
    });
  });

  describe('GET /prices', () => {
    it('should answer each asset with exactly the contract shape, in the envelope, prices as exact decimal strings', async () => {
      const res = await http().get('/prices?symbols=eth,BTC').expect(200);
      expect(res.body.metadata).toEqual({
        not_found: [],
        request_id: res.headers['x-request-id'],
        api_latency_ms: expect.any(Number),
      });
      expect(res.body.data.length).toBeGreaterThanOrEqual(2);
      for (const item of res.body.data) {
        expect(Object.keys(item).sort()).toEqual([
          'asset',
          'consensus_price_usd',
          'divergent',
          'observed_at',
          'sources',
          'spread_pct',
        ]);
        expect(Object.keys(item.asset).sort()).toEqual(['id', 'name', 'symbol']);
        for (const s of item.sources) {
          expect(Object.keys(s).sort()).toEqual(['age_seconds', 'fresh', 'observed_at', 'price_usd', 'source']);
          expect(s.price_usd).toMatch(/^\d+(\.\d+)?$/);
          expect(new Date(s.observed_at).toISOString()).toBe(s.observed_at);
        }
        const newest = Math.max(...item.sources.map((s: any) => Date.parse(s.observed_at)));
        expect(item.observed_at).toBe(new Date(newest).toISOString());
      }
      // Requested order: ETH first, then the BTC assets.
      expect(res.body.data[0].asset.symbol).toBe('ETH');
    });

    it('should judge freshness against now and build the consensus from the fresh sources only, as /assets/{id} does', async () => {
      const res = await http().get('/prices?symbols=BTC').expect(200);
      const bitcoin = res.body.data.find((i: any) => i.asset.name === 'Bitcoin');
      const now = Date.now();
      for (const s of bitcoin.sources) {
        const age = (now - Date.parse(s.observed_at)) / 1000;
        expect(Math.abs(s.age_seconds - age)).toBeLessThan(30);
        expect(s.fresh).toBe(Math.abs(age) <= BUDGET);
      }
      // The CSV snapshot is from 2025-04: stale; the two live sources are fresh.
      expect(bitcoin.sources.filter((s: any) => s.fresh).map((s: any) => s.source)).toEqual([
        'coingecko',
        'coinpaprika',
      ]);
      const fresh = bitcoin.sources.filter((s: any) => s.fresh).map((s: any) => s.price_usd as string);
      const [{ median }] = await queryRows<{ median: string }>(
        db.url,
        `SELECT trim_scale((min(p) + max(p)) * 0.5)::text AS median FROM unnest($1::numeric[]) p`,
        [fresh],
      );
      expect(bitcoin.consensus_price_usd).toBe(median);
      const detail = (await http().get(`/assets/${bitcoin.asset.id}`).expect(200)).body.data.consolidated;
      expect([detail.consensus_price_usd, detail.spread_pct, detail.divergent, detail.freshest_at]).toEqual([
        bitcoin.consensus_price_usd,
        bitcoin.spread_pct,
        bitcoin.divergent,
        bitcoin.observed_at,
      ]);
    });

    it('should return every asset of a shared symbol and list unknown symbols in metadata.not_found', async () => {
      const shared = await queryRows<{ id: string }>(
        db.url,
        `SELECT id::text FROM assets WHERE symbol = 'BTC' ORDER BY rank NULLS LAST, asset_key`,
      );
      expect(shared.length).toBeGreaterThan(1);
      const res = await http().get('/prices?symbols=BTC,NOPE,zz9').expect(200);
      expect(res.body.data.map((i: any) => i.asset.id)).toEqual(shared.map((a) => a.id));
      expect(res.body.metadata.not_found).toEqual(['NOPE', 'ZZ9']);
    });

    it('should look up by asset_ids, with unknown ids in not_found', async () => {
      const [eth] = await queryRows<{ id: string }>(
        db.url,
        `SELECT id::text FROM assets WHERE symbol = 'ETH' ORDER BY rank LIMIT 1`,
      );
      const unknown = '00000000-0000-4000-8000-000000000000';
      const res = await http().get(`/prices?asset_ids=${eth.id},${unknown}`).expect(200);
      expect(res.body.data.map((i: any) => i.asset.symbol)).toEqual(['ETH']);
      expect(res.body.metadata.not_found).toEqual([unknown]);
    });

    it.each([
      ['251 symbols', `symbols=${Array.from({ length: 251 }, (_, i) => `S${i}`).join(',')}`, 'symbols'],
      [
        '251 asset ids',
        `asset_ids=${Array.from({ length: 251 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',')}`,
        'asset_ids',
      ],
      ['neither', '', 'symbols'],
      ['an empty list', 'symbols=,', 'symbols'],
      ['a bad ticker', 'symbols=BTC,not%20a%20ticker', 'symbols'],
      ['a bad id', 'asset_ids=nope', 'asset_ids'],
      ['both', 'symbols=BTC&asset_ids=00000000-0000-4000-8000-000000000000', 'asset_ids'],
    ])('should answer 400 naming the field for %s', async (_case, query, field) => {
      const res = await http().get(`/prices?${query}`).expect(400);
      expect(res.body.errors[0].field).toBe(field);
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    });

    it('should accept exactly 250 symbols', async () => {
      const symbols = ['BTC', ...Array.from({ length: 249 }, (_, i) => `X${i}`)];
      const res = await http()
        .get(`/prices?symbols=${symbols.join(',')}`)
        .expect(200);
      expect(res.body.metadata.not_found).toHaveLength(249);
    });
  });

  describe('lookups by what consumers know', () => {
    it.each([
      ['coingecko', 'bitcoin'],
      ['coinpaprika', 'btc-bitcoin'],
    ])('should answer /assets/%s:%s with the canonical asset', async (source, sourceId) => {
      const [{ id }] = await queryRows<{ id: string }>(
        db.url,
        `SELECT asset_id::text AS id FROM asset_source_ids WHERE source = $1 AND source_asset_id = $2`,
        [source, sourceId],
      );
      const res = await http().get(`/assets/${source}:${sourceId}`).expect(200);
      expect(res.body.data.id).toBe(id);
      expect(res.body.data.symbol).toBe('BTC');
      expect(res.body.data.consolidated.latest.length).toBeGreaterThan(0);
    });

    it('should answer a csv:{ticker} id (a bare ticker is its own asset)', async () => {
      const [{ id }] = await queryRows<{ id: string }>(
        db.url,
        `SELECT asset_id::text AS id FROM asset_source_ids WHERE source = 'csv' AND source_asset_id = 'BTC'`,
      );
      expect((await http().get('/assets/csv:BTC').expect(200)).body.data.id).toBe(id);
    });

    it('should answer 404 for an unknown source id and 400 for a malformed id', async () => {
      const missing = await http().get('/assets/coingecko:no-such-coin').expect(404);
      expect(missing.body.message).toContain('no-such-coin');
      for (const bad of ['bitcoin', 'Coin%20Gecko:bitcoin', 'coingecko:']) {
        const res = await http().get(`/assets/${bad}`).expect(400);
        expect(res.body.errors[0].field).toBe('id');
      }
    });

    it('should rank an exact symbol or name match first, then prefix matches, then the rest by rank (q=bitcoin)', async () => {
      const res = await http().get('/assets?q=bitcoin&limit=100').expect(200);
      const symbols = res.body.data.map((a: any) => a.symbol as string);
      expect(symbols[0]).toBe('BTC');
      expect(res.body.data[0].name).toBe('Bitcoin');
      expect(symbols.indexOf('BCH')).toBeGreaterThan(0);
      expect(symbols.indexOf('BSV')).toBeGreaterThan(symbols.indexOf('BCH'));
      // "Wrapped Bitcoin" only contains the word: after every prefix match.
      expect(symbols.indexOf('WBTC')).toBeGreaterThan(symbols.indexOf('BSV'));
      const exact = await http().get('/assets?q=eth').expect(200);
      expect(exact.body.data[0].symbol).toBe('ETH');
    });

    it('should page through the ranked q results with the cursor, same order, nothing lost or repeated', async () => {
      const all = (await http().get('/assets?q=bitcoin&limit=100').expect(200)).body.data.map((a: any) => a.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = (
          await http()
            .get(`/assets?q=bitcoin&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
            .expect(200)
        ).body;
        paged.push(...page.data.map((a: any) => a.id));
        cursor = page.pagination.next_cursor;
      } while (cursor);
      expect(paged).toEqual(all);
      // A cursor of the unranked order is refused on a ranked list.
      const plain = (await http().get('/assets?limit=1').expect(200)).body.pagination.next_cursor;
      expect((await http().get(`/assets?q=bitcoin&cursor=${plain}`).expect(400)).body.errors[0].field).toBe('cursor');
    });

    it('should filter /news by symbol through the mention links', async () => {
      const res = await http().get('/news?symbol=btc&limit=100').expect(200);
      const [{ n }] = await queryRows<{ n: number }>(
        db.url,
        `SELECT count(DISTINCT m.news_id)::int AS n FROM news_asset_mentions m JOIN assets a ON a.id = m.asset_id WHERE a.symbol = 'BTC'`,
      );
      expect(n).toBeGreaterThan(0);
      expect(res.body.pagination.total).toBe(n);
      for (const item of res.body.data) expect(item.assets.map((a: any) => a.symbol)).toContain('BTC');
      expect((await http().get('/news?symbol=not%20a%20ticker').expect(400)).body.errors[0].field).toBe('symbol');
    });
  });
});
