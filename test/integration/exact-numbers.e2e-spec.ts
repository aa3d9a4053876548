import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

// More significant digits than a double holds (17): any trip through JSON.parse or float8 changes them.
const PAPRIKA_PRICE = '12345678901.123456789012345';
const GECKO_PRICE = '12345678901.123456789012346';
const SUPPLY = '1234567890123456789012345';
const CAP = '15241578753238836750495351562536';
const TINY = '0.000000000000000000012345678901234567890';
// Between the two (closer to the lower): the middle of three.
const CSV_PRICE = '12345678901.1234567890123451';

interface Latest {
  source: string;
  price_usd: string;
  fresh: boolean;
}

/**
 * Numbers with 20+ significant digits from the fixture CoinPaprika and CoinGecko (served as exact
 * literals), through the real ETL into PostgreSQL, out of /data and /assets/{id} with every digit,
 * and kept in the stored raw payloads.
 */
describe('exact numbers end to end', () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let csvDir: string;
  const http = () => request(app.getHttpServer());

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(db.url, text, params);
  }

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(30));
    upstream.faults.setExactNumbers('coinpaprika', {
      BTC: {
        'quotes.USD.price': PAPRIKA_PRICE,
        total_supply: SUPPLY,
        'quotes.USD.market_cap': CAP,
        'quotes.USD.volume_24h': TINY,
      },
    });
    upstream.faults.setExactNumbers('coingecko', {
      BTC: {
        current_price: GECKO_PRICE,
        circulating_supply: SUPPLY,
        total_supply: SUPPLY,
        market_cap: CAP,
        total_volume: TINY,
      },
    });
    // A third source with a price between the two (closer to the lower), at the snapshot time.
    csvDir = mkdtempSync(path.join(tmpdir(), 'exact-csv-'));
    const advanced = await fetch(`${upstream.baseUrl}/__advance`, { method: 'POST' });
    const { snapshotAt } = (await advanced.json()) as { snapshotAt: string };
    writeFileSync(
      path.join(csvDir, 'exact.csv'),
      [
        'symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,rank,last_updated',
        `BTC,Bitcoin,${CSV_PRICE},${CAP},1,0.5,1,${snapshotAt}`,
        '',
      ].join('\n'),
    );
    db = await createTestDatabase();
    app = await createTestApp({
      ...fixtureEnv,
      DATABASE_URL: db.url,
      ETL_SOURCES: 'coinpaprika,coingecko,csv',
      CSV_SOURCE_DIR: csvDir,
    });
    const summary = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coinpaprika', 'coingecko'] });
    expect(summary.status).toBe('succeeded');
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
    rmSync(csvDir, { recursive: true, force: true });
  });

  it.each([
    ['coinpaprika', PAPRIKA_PRICE, { circulating_supply: null, total_supply: SUPPLY }],
    ['coingecko', GECKO_PRICE, { circulating_supply: SUPPLY, total_supply: SUPPLY }],
  ])('should serve every digit of the %s price and supply in /data', async (source, price, supplies) => {
    const res = await http().get(`/data?symbol=BTC&source=${source}`).expect(200);

    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      source,
      price_usd: price,
      market_cap_usd: CAP,
      volume_24h_usd: TINY,
      ...supplies,
    });
  });

  it.each([
    ['coinpaprika', 'btc-bitcoin', `"price":${PAPRIKA_PRICE}`, `"total_supply":${SUPPLY}`],
    ['coingecko', 'bitcoin', `"current_price":${GECKO_PRICE}`, `"circulating_supply":${SUPPLY}`],
  ])('should store the %s raw payload with the digits as received', async (source, id, price, supply) => {
    const [row] = await sql<{ payload: string; price_type: string }>(
      `SELECT payload::text AS payload,
              jsonb_typeof(coalesce(payload #> '{quotes,USD,price}', payload -> 'current_price')) AS price_type
         FROM raw_records WHERE source = $1 AND natural_key LIKE $2`,
      [source, `${id}@%`],
    );

    expect(row.price_type).toBe('number');
    // jsonb prints ", " and ": " between members: compare without the spaces.
    const compact = row.payload.replace(/": /g, '":');
    expect([price, supply, `:${CAP}`].map((digits) => compact.includes(digits))).toEqual([true, true, true]);
  });

  it('should give the exact mean of two fresh prices that a double cannot tell apart as the consensus', async () => {
    const [asset] = (await http().get('/assets?symbol=BTC').expect(200)).body.data as Array<{ id: string }>;

    const view = (await http().get(`/assets/${asset.id}`).expect(200)).body.data.consolidated;

    expect(Number(PAPRIKA_PRICE)).toBe(Number(GECKO_PRICE));
    expect(view.latest.map((l: Latest) => [l.source, l.price_usd, l.fresh])).toEqual([
      ['coingecko', GECKO_PRICE, true],
      ['coinpaprika', PAPRIKA_PRICE, true],
    ]);
    expect(view).toMatchObject({
      consensus_price_usd: '12345678901.1234567890123455',
      spread_pct: '0.0000',
      divergent: false,
      stale: false,
      fresh_sources: 2,
    });
  });

  it('should take the exact middle price of three as the consensus, with an exact spread', async () => {
    const csv = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['csv'] });
    expect(csv.sources.csv).toMatchObject({ status: 'succeeded', totals: { inserted: 1 } });
    const [asset] = (await http().get('/assets?symbol=BTC').expect(200)).body.data as Array<{ id: string }>;

    const view = (await http().get(`/assets/${asset.id}`).expect(200)).body.data.consolidated;

    expect(view.latest.map((l: Latest) => [l.source, l.price_usd])).toEqual([
      ['coingecko', GECKO_PRICE],
      ['coinpaprika', PAPRIKA_PRICE],
      ['csv', CSV_PRICE],
    ]);
    // The middle of the three, not the mean of the outer two; (max - min) / median x 100 is far below 4 decimals.
    expect(view).toMatchObject({ consensus_price_usd: CSV_PRICE, spread_pct: '0.0000', fresh_sources: 3 });
  });
});
