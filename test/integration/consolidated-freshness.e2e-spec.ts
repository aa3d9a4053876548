import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { LatestQuotesWriter } from '../../src/catalog/latest-quotes.repository.js';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { RunsRepository } from '../../src/etl/ledger/runs.repository.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

const DAY_MS = 86_400_000;
const BUDGET_SECONDS = 43_200;

interface Latest {
  source: string;
  price_usd: string;
  observed_at: string;
  age_seconds: number;
  fresh: boolean;
}

/**
 * The consolidated view of GET /assets/{id} judges freshness against the current time: stale
 * sources are listed with their age but give no consensus, and a quote dated far in the future
 * neither makes the real sources stale nor becomes the consensus.
 */
describe('consolidated view freshness and exact consensus', () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(db.url, text, params);
  }

  /** A quote stored as an older version of the service might have (no ingest-time plausibility check). */
  async function insertQuote(q: { assetId: string; source: string; observedAt: Date; price: string }): Promise<void> {
    await sql(
      `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash)
       VALUES ($1, $2, $2 || '-id', $3, $4::numeric, 'test')`,
      [q.assetId, q.source, q.observedAt.toISOString(), q.price],
    );
    // The view reads latest_quotes: rows already stored when it was introduced are backfilled the same way.
    await app
      .get(LatestQuotesWriter)
      .recomputeForAssets(app.get<DataSource>(getDataSourceToken()).manager, [q.assetId]);
  }

  async function insertAsset(a: { assetId: string; key: string; symbol: string }): Promise<void> {
    await sql(`INSERT INTO assets (id, asset_key, symbol, name) VALUES ($1, $2, $3, $3)`, [a.assetId, a.key, a.symbol]);
  }

  async function view(symbol: string) {
    const [asset] = (await http().get(`/assets?symbol=${symbol}`).expect(200)).body.data as Array<{ id: string }>;
    const consolidated = (await http().get(`/assets/${asset.id}`).expect(200)).body.data.consolidated;
    return { assetId: asset.id, consolidated };
  }

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(30));
    // Every quote of the first run is three days old: older than the 12 h budget.
    upstream.advance(-3 * DAY_MS);
    db = await createTestDatabase();
    app = await createTestApp({ ...fixtureEnv, DATABASE_URL: db.url, ETL_SOURCES: 'coinpaprika,coingecko' });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  it('should say the view is stale when no source is fresh, still listing each latest quote with its age', async () => {
    const summary = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coinpaprika', 'coingecko'] });
    expect(summary.status).toBe('succeeded');
    const before = Date.now();

    const { consolidated: v } = await view('ETH');

    expect(v.latest.map((l: Latest) => [l.source, l.fresh])).toEqual([
      ['coingecko', false],
      ['coinpaprika', false],
    ]);
    for (const l of v.latest as Latest[]) {
      expect(Math.abs(l.age_seconds - (before - Date.parse(l.observed_at)) / 1000)).toBeLessThanOrEqual(5);
      expect(l.age_seconds).toBeGreaterThan(3 * 86_400 - 120);
    }
    expect(v).toMatchObject({
      stale: true,
      fresh_sources: 0,
      consensus_price_usd: null,
      spread_pct: null,
      divergent: false,
      freshness_budget_seconds: BUDGET_SECONDS,
      stale_reason: expect.stringMatching(
        new RegExp(`^no source has a quote within ${BUDGET_SECONDS} s of as_of; the newest past quote is \\d+ s old$`),
      ),
    });
    expect(Math.abs(Date.parse(v.as_of) - before)).toBeLessThan(5000);
  });

  it('should not let a quote dated far in the future make the real sources stale or become the consensus', async () => {
    upstream.advance(3 * DAY_MS);
    await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coinpaprika', 'coingecko'] });
    const { assetId, consolidated: real } = await view('ETH');
    await insertQuote({ assetId, source: 'future', observedAt: new Date(Date.now() + 365 * DAY_MS), price: '999999' });
    // A few seconds ahead is clock skew, within the budget: it counts.
    const paprikaPrice = (real.latest as Latest[])[1].price_usd;
    await insertQuote({ assetId, source: 'skewed', observedAt: new Date(Date.now() + 60_000), price: paprikaPrice });

    const { consolidated: v } = await view('ETH');

    expect(v.latest.map((l: Latest) => [l.source, l.fresh, l.age_seconds < 0])).toEqual([
      ['coingecko', true, false],
      ['coinpaprika', true, false],
      ['future', false, true],
      ['skewed', true, true],
    ]);
    // Three fresh prices: the middle one is the coinpaprika price (the skewed source repeats it).
    expect(v).toMatchObject({ stale: false, stale_reason: null, fresh_sources: 3, consensus_price_usd: paprikaPrice });
    expect((v.latest as Latest[]).find((l) => l.source === 'future')!.age_seconds).toBeLessThan(-364 * 86_400);
  });

  it('should say why when the only quotes are stale or dated beyond the budget in the future', async () => {
    const assetId = randomUUID();
    await insertAsset({ assetId, key: 'zzz:future-only', symbol: 'ZZZ' });
    await insertQuote({ assetId, source: 'old', observedAt: new Date(Date.now() - 2 * DAY_MS), price: '1' });
    await insertQuote({ assetId, source: 'future', observedAt: new Date(Date.now() + 300 * 365 * DAY_MS), price: '2' });

    const v = (await http().get(`/assets/${assetId}`).expect(200)).body.data.consolidated;

    expect(v).toMatchObject({
      stale: true,
      fresh_sources: 0,
      consensus_price_usd: null,
      stale_reason:
        `no source has a quote within ${BUDGET_SECONDS} s of as_of; ` +
        `the newest past quote is ${v.latest[1].age_seconds} s old; ` +
        `1 quote(s) dated more than ${BUDGET_SECONDS} s in the future are not counted`,
    });
    expect(v.latest.map((l: Latest) => [l.source, l.fresh])).toEqual([
      ['future', false],
      ['old', false],
    ]);
  });

  it.each([
    // 200 (b - a) > 5 (a + b) exactly when b > 41/39 a: 39 and 41 sit on the boundary.
    ['on the boundary', '41', false, '5.0000', '40'],
    [
      'beyond it by 1e-21, which a double rounds away',
      '41.000000000000000000001',
      true,
      '5.0000',
      '40.0000000000000000000005',
    ],
    ['below it', '40.99', false, '4.9756', '39.995'],
  ])('should decide divergence exactly (%s)', async (_case, high, divergent, spread, median) => {
    const assetId = randomUUID();
    await insertAsset({ assetId, key: `div:${assetId}`, symbol: 'DIV' });
    for (const [source, price] of [
      ['a', '39'],
      ['b', high],
    ]) {
      await insertQuote({ assetId, source, observedAt: new Date(Date.now() - 1000), price });
    }

    const v = (await http().get(`/assets/${assetId}`).expect(200)).body.data.consolidated;

    expect(v).toMatchObject({
      divergent,
      spread_pct: spread,
      consensus_price_usd: median,
      fresh_sources: 2,
      stale: false,
    });
  });

  it('should say so when the asset has no quotes at all', async () => {
    const assetId = randomUUID();
    await insertAsset({ assetId, key: 'nq:none', symbol: 'NQ' });

    const v = (await http().get(`/assets/${assetId}`).expect(200)).body.data.consolidated;

    expect(v).toMatchObject({
      latest: [],
      stale: true,
      stale_reason: 'no quotes for this asset',
      consensus_price_usd: null,
      fresh_sources: 0,
    });
  });
  it('should judge run-level price divergence the same way: exact, fresh against now, far-future quotes ignored', async () => {
    const runs = app.get(RunsRepository);
    const cases = [
      { symbol: 'RDA', prices: ['39', '41.000000000000000000001'], divergent: true },
      { symbol: 'RDB', prices: ['39', '41'], divergent: false },
      { symbol: 'RDC', prices: ['100', '105', '105.2'], divergent: false }, // 5.03 % of the mean, 4.95 % of the median
    ];
    const ids = new Map<string, string>();
    for (const c of cases) {
      const assetId = randomUUID();
      ids.set(c.symbol, assetId);
      await insertAsset({ assetId, key: `rd:${assetId}`, symbol: c.symbol });
      for (const [i, price] of c.prices.entries()) {
        await insertQuote({ assetId, source: `s${i}`, observedAt: new Date(Date.now() - 1000), price });
      }
    }
    // A quote a year ahead must neither count as fresh nor hide the real ones; a stale one is history.
    const future = randomUUID();
    ids.set('RDF', future);
    await insertAsset({ assetId: future, key: `rd:${future}`, symbol: 'RDF' });
    await insertQuote({ assetId: future, source: 'a', observedAt: new Date(Date.now() - 1000), price: '10' });
    await insertQuote({ assetId: future, source: 'b', observedAt: new Date(Date.now() - 1000), price: '10.1' });
    await insertQuote({ assetId: future, source: 'c', observedAt: new Date(Date.now() + 365 * DAY_MS), price: '99' });
    await insertQuote({ assetId: future, source: 'd', observedAt: new Date(Date.now() - 3 * DAY_MS), price: '1' });

    const found = await runs.divergentAssets(5, BUDGET_SECONDS, 1000);
    const mine = new Set(ids.values());
    const divergentSymbols = found
      .filter((d) => mine.has(d.asset_id))
      .map((d) => d.symbol)
      .sort();

    expect(divergentSymbols).toEqual(['RDA']);
    expect(found.find((d) => d.symbol === 'RDA')).toMatchObject({ sources: 2, spread_pct: 5 });
  });
});
