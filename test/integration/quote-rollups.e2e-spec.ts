import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AssetAdminService } from '../../src/api/assets/asset-admin.service.js';
import { AssetIdentityRepository } from '../../src/catalog/asset-identity.repository.js';
import { AssetIdentityService, type AssetCandidate } from '../../src/catalog/asset-identity.service.js';
import { geckoCrosswalkKey } from '../../src/sources/coingecko/coingecko.mapper.js';
import { paprikaCrosswalkKey } from '../../src/sources/coinpaprika/coinpaprika.mapper.js';
import { QuoteWriteSteps } from '../../src/etl/load/quote-write-steps.js';
import { RollupRebuildService } from '../../src/etl/rollups/rollup-rebuild.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = Date.parse('2025-03-01T00:00:00Z');
const DAYS = 4;
const SOURCES = ['srca', 'srcb', 'srcc'];
const STEPS = { '1h': HOUR, '1d': DAY } as const;
type Interval = keyof typeof STEPS;

/** One stored quote of the model: prices in cents so the expected text is exact. */
interface Quote {
  asset: string;
  source: string;
  at: number;
  cents: number;
  volume: number | null;
}
interface Bucket {
  start: string;
  source: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string | null;
  observations: number;
}

/** Seeded PRNG (mulberry32): a failing seed reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const key = (q: { asset: string; source: string; at: number }) => `${q.asset}|${q.source}|${q.at}`;

function shuffle<T>(items: T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The direct aggregation of the raw quotes the rollups must equal, computed here, not in SQL. */
function expectedBuckets(model: Iterable<Quote>, asset: string, interval: Interval): Bucket[] {
  const step = STEPS[interval];
  const groups = new Map<string, Quote[]>();
  for (const q of model) {
    if (q.asset !== asset) continue;
    const k = `${Math.floor(q.at / step) * step}|${q.source}`;
    groups.set(k, [...(groups.get(k) ?? []), q]);
  }
  return [...groups.entries()]
    .map(([k, qs]) => {
      const sorted = [...qs].sort((a, b) => a.at - b.at);
      const last = sorted[sorted.length - 1];
      return {
        start: new Date(Number(k.split('|')[0])).toISOString(),
        source: last.source,
        open: money(sorted[0].cents),
        high: money(Math.max(...qs.map((q) => q.cents))),
        low: money(Math.min(...qs.map((q) => q.cents))),
        close: money(last.cents),
        volume: last.volume === null ? null : String(last.volume),
        observations: qs.length,
      };
    })
    .sort((a, b) => a.start.localeCompare(b.start) || a.source.localeCompare(b.source));
}

/**
 * quote_rollups kept by the batch step equal a direct aggregation of the raw quotes on random
 * ranges, whatever the order of the batches, after in-place corrections, re-reads and a merge;
 * `etl rollups --rebuild` gives the same rows; GET /assets/{id}/history serves them.
 */
describe('quote rollups and GET /assets/{id}/history', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  const http = () => request(app.getHttpServer());
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => queryRows<T>(db.url, text, params);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ DATABASE_URL: db.url, ETL_FRESHNESS_BUDGET_SECONDS: '43200' });
    dataSource = app.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function newAsset(symbol: string): Promise<string> {
    const id = randomUUID();
    await sql(`INSERT INTO assets (id, asset_key, symbol, name) VALUES ($1, $2, $3, $3)`, [
      id,
      `${symbol.toLowerCase()}:${id}`,
      symbol,
    ]);
    return id;
  }

  /** One batch of one source as the batch processor writes it: upsert, then the quote write steps in the same transaction. */
  async function ingest(batch: Quote[]): Promise<void> {
    const bySource = new Map<string, Quote[]>();
    for (const q of batch) bySource.set(q.source, [...(bySource.get(q.source) ?? []), q]);
    for (const [source, quotes] of bySource) {
      await dataSource.transaction(async (m) => {
        await m.query(
          `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, volume_24h_usd, content_hash)
           SELECT t.asset_id, $1, 'id', t.at, t.price, t.volume, 'h' FROM unnest($2::uuid[], $3::timestamptz[], $4::numeric[], $5::numeric[]) AS t(asset_id, at, price, volume)
           ON CONFLICT (asset_id, source, observed_at) DO UPDATE SET price_usd = EXCLUDED.price_usd, volume_24h_usd = EXCLUDED.volume_24h_usd, updated_at = now()`,
          [
            source,
            quotes.map((q) => q.asset),
            quotes.map((q) => new Date(q.at).toISOString()),
            quotes.map((q) => money(q.cents)),
            quotes.map((q) => (q.volume === null ? null : String(q.volume))),
          ],
        );
        await app.get(QuoteWriteSteps).run(m, {
          runId: '1',
          source,
          quotes: quotes.map((q) => ({
            assetId: q.asset,
            sourceAssetId: 'id',
            observedAt: new Date(q.at),
            priceUsd: money(q.cents),
            marketCapUsd: null,
            volume24hUsd: q.volume === null ? null : String(q.volume),
          })),
        });
      });
    }
  }

  async function storedBuckets(asset: string, interval: Interval): Promise<Bucket[]> {
    return sql<Bucket>(
      `SELECT to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start, source, open::text, high::text, low::text,
              close::text, volume::text, observations
         FROM quote_rollups WHERE asset_id = $1 AND bucket_interval = $2 ORDER BY bucket_start, source`,
      [asset, interval],
    );
  }

  async function allRollups(): Promise<unknown[]> {
    return sql(`SELECT bucket_interval, asset_id, source, bucket_start, open::text, high::text, low::text, close::text, volume::text, observations, open_at, close_at
                  FROM quote_rollups ORDER BY asset_id, bucket_interval, bucket_start, source`);
  }

  it.each([11, 4242])(
    'should equal a direct aggregation of the raw quotes after shuffled batches, corrections, re-reads and a merge (seed %i)',
    async (seed) => {
      const rnd = prng(seed);
      const [a, b] = [await newAsset(`RA${seed}`), await newAsset(`RB${seed}`)];
      const model = new Map<string, Quote>();
      for (const asset of [a, b]) {
        for (const source of SOURCES) {
          for (let i = 0; i < 60; i++) {
            // Minutes across four days, clustered so some hours are empty (gaps) and some hold several quotes.
            const at = BASE + Math.floor(rnd() * DAYS * 24) * HOUR + Math.floor(rnd() * 4) * 15 * 60_000;
            const q = {
              asset,
              source,
              at,
              cents: 10_000 + Math.floor(rnd() * 5_000),
              volume: rnd() < 0.2 ? null : Math.floor(rnd() * 1e9),
            };
            model.set(key(q), q);
          }
        }
      }
      // Batches in random time order (backfills, replays), each of one source.
      const all = shuffle([...model.values()], rnd);
      for (let i = 0; i < all.length;) {
        const n = 1 + Math.floor(rnd() * 40);
        await ingest(all.slice(i, i + n));
        i += n;
      }
      // In-place corrections at existing instants, then a re-read of unchanged quotes.
      const corrected = shuffle([...model.values()], rnd)
        .slice(0, 50)
        .map((q) => ({ ...q, cents: 9_000 + Math.floor(rnd() * 7_000), volume: rnd() < 0.5 ? null : 7 }));
      for (const q of corrected) model.set(key(q), q);
      await ingest(corrected);
      await ingest(shuffle([...model.values()], rnd).slice(0, 80));

      for (const asset of [a, b]) {
        for (const interval of ['1h', '1d'] as const) {
          expect(await storedBuckets(asset, interval)).toEqual(expectedBuckets(model.values(), asset, interval));
        }
      }

      // Random ranges through the API: buckets whose start is in [from, to), gaps for the rest.
      for (let i = 0; i < 8; i++) {
        const interval: Interval = rnd() < 0.5 ? '1h' : '1d';
        const from = BASE - DAY + Math.floor(rnd() * (DAYS + 1) * 24) * HOUR + (rnd() < 0.3 ? 17 * 60_000 : 0);
        const to = from + (1 + Math.floor(rnd() * 72)) * HOUR;
        const source = rnd() < 0.3 ? SOURCES[Math.floor(rnd() * SOURCES.length)] : undefined;
        const res = await http()
          .get(`/assets/${a}/history`)
          .query({
            interval,
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
            ...(source ? { source } : {}),
          })
          .expect(200);
        const inRange = expectedBuckets(model.values(), a, interval).filter(
          (x) => Date.parse(x.start) >= from && Date.parse(x.start) < to && (!source || x.source === source),
        );
        expect(res.body.data.buckets).toEqual(inRange);
        const step = STEPS[interval];
        const present = new Set(inRange.map((x) => Date.parse(x.start)));
        let missing = 0;
        for (let s = Math.ceil(from / step) * step; s < to; s += step) if (!present.has(s)) missing++;
        const gapBuckets = (res.body.metadata.gaps as Array<{ from: string; to: string }>).reduce(
          (n, g) => n + (Date.parse(g.to) - Date.parse(g.from)) / step,
          0,
        );
        expect(gapBuckets).toBe(missing);
        expect(res.body.data.consensus.map((c: { start: string }) => c.start)).toEqual([
          ...new Set(inRange.map((x) => x.start)),
        ]);
      }

      // A merge moves b's quotes into a (a's quote wins at a shared instant): both assets' rollups follow.
      await app
        .get(AssetAdminService)
        .merge({ survivorId: a, fromId: b, reason: 'test' }, { actor: 'test', requestId: null });
      for (const q of [...model.values()].filter((x) => x.asset === b)) {
        model.delete(key(q));
        const moved = { ...q, asset: a };
        if (!model.has(key(moved))) model.set(key(moved), moved);
      }
      for (const interval of ['1h', '1d'] as const) {
        expect(await storedBuckets(a, interval)).toEqual(expectedBuckets(model.values(), a, interval));
        expect(await storedBuckets(b, interval)).toEqual([]);
      }
      const moved = await http().get(`/assets/${b}/history?interval=1d`).expect(308);
      expect(moved.headers.location).toBe(`/assets/${a}/history?interval=1d`);

      // The rebuild (what `etl rollups --rebuild` runs) gives exactly the incremental result, and is idempotent.
      const incremental = await allRollups();
      await sql(`DELETE FROM quote_rollups`);
      const rebuilt = await app.get(RollupRebuildService).rebuild();
      expect(rebuilt.chunks).toBeGreaterThanOrEqual(DAYS);
      expect(await allRollups()).toEqual(incremental);
      const again = await app.get(RollupRebuildService).rebuild();
      expect([again.hours_written, again.days_written]).toEqual([0, 0]);
      await sql(`DELETE FROM market_quotes WHERE asset_id = $1`, [a]);
      await sql(`DELETE FROM quote_rollups WHERE asset_id = $1`, [a]);
    },
  );

  it("should move the rollups of a split source id to the new asset, in the split's transaction", async () => {
    const asset = await newAsset('SPL');
    for (const [source, id] of [
      ['srca', 'spl-a'],
      ['srcb', 'spl-b'],
    ]) {
      await sql(
        `INSERT INTO asset_source_ids (source, source_asset_id, asset_id, match_method, confidence, symbol, name)
                 VALUES ($1, $2, $3, 'manual', 1, 'SPL', $4)`,
        [source, id, asset, `Split Coin ${source}`],
      );
    }
    const quotes = [0, 1, 2, 25, 26].flatMap((h, i) =>
      ['srca', 'srcb'].map((source) => ({ asset, source, at: BASE + h * HOUR, cents: 100_00 + i * 7, volume: i })),
    );
    await ingest(quotes);
    await sql(`UPDATE market_quotes SET source_asset_id = 'spl-b' WHERE asset_id = $1 AND source = 'srcb'`, [asset]);

    const split = await app
      .get(AssetAdminService)
      .split({ assetId: asset, source: 'srcb', sourceAssetId: 'spl-b' }, { actor: 'test', requestId: null });

    const moved = quotes.filter((q) => q.source === 'srcb').map((q) => ({ ...q, asset: split.new_asset_id }));
    for (const interval of ['1h', '1d'] as const) {
      expect(await storedBuckets(asset, interval)).toEqual(
        expectedBuckets(quotes, asset, interval).filter((x) => x.source === 'srca'),
      );
      expect(await storedBuckets(split.new_asset_id, interval)).toEqual(
        expectedBuckets(moved, split.new_asset_id, interval),
      );
    }
  });

  it('should move the rollups with the quotes when identity re-keys an asset (its id changes)', async () => {
    const service = new AssetIdentityService(new AssetIdentityRepository());
    const candidate = (source: string, sourceAssetId: string, name: string): AssetCandidate => ({
      source,
      sourceAssetId,
      symbol: 'RKY',
      name,
      rank: 900,
      observedAt: new Date(BASE),
      priceUsd: null,
      marketCapUsd: null,
      crosswalkKey:
        (source === 'coingecko'
          ? geckoCrosswalkKey(sourceAssetId, 'RKY')
          : paprikaCrosswalkKey(sourceAssetId, 'RKY')) ?? null,
    });
    const resolve = (c: AssetCandidate) => dataSource.transaction((m) => service.resolve(m, [c]));
    const owner = async () =>
      (
        await sql<{ asset_id: string }>(
          `SELECT asset_id FROM asset_source_ids WHERE source = 'coingecko' AND source_asset_id = 'rekeycoin'`,
        )
      )[0].asset_id;
    await resolve(candidate('coingecko', 'rekeycoin', 'RKY'));
    const before = await owner();
    const quotes = [0, 3, 30].map((h, i) => ({
      asset: before,
      source: 'coingecko',
      at: BASE + h * HOUR,
      cents: 5_00 + i,
      volume: null,
    }));
    await ingest(quotes);
    await sql(`UPDATE market_quotes SET source_asset_id = 'rekeycoin' WHERE asset_id = $1`, [before]);

    // CoinPaprika's "Rekey Coin" joins: the asset's key (smallest member key) and so its id change.
    await resolve(candidate('coinpaprika', 'rky-rekey-coin', 'Rekey Coin'));
    await resolve(candidate('coinpaprika', 'rky-rekey-coin', 'Rekey Coin'));
    const after = await owner();

    expect(after).not.toBe(before);
    const moved = quotes.map((q) => ({ ...q, asset: after }));
    for (const interval of ['1h', '1d'] as const) {
      expect(await storedBuckets(after, interval)).toEqual(expectedBuckets(moved, after, interval));
      expect(await storedBuckets(before, interval)).toEqual([]);
    }
  });

  it('should keep the daily rollups of quotes that retention dropped, through a rebuild and a later batch', async () => {
    const asset = await newAsset('RET');
    const day1 = [0, 5, 23].map((h, i) => ({
      asset,
      source: 'srca',
      at: BASE + h * HOUR,
      cents: 100_00 + i,
      volume: 1,
    }));
    await ingest(day1);
    // Retention drops the raw quotes of day 1 (a partition drop); day 2 arrives later.
    await sql(`DELETE FROM market_quotes WHERE asset_id = $1`, [asset]);
    await ingest([{ asset, source: 'srca', at: BASE + DAY + HOUR, cents: 200_00, volume: 2 }]);
    await app.get(RollupRebuildService).rebuild({ from: new Date(BASE), to: new Date(BASE + 2 * DAY) });

    const res = await http()
      .get(`/assets/${asset}/history`)
      .query({ interval: '1d', from: new Date(BASE).toISOString(), to: new Date(BASE + 2 * DAY).toISOString() })
      .expect(200);
    expect(res.body.data.buckets).toEqual([
      {
        start: new Date(BASE).toISOString(),
        source: 'srca',
        open: '100.00',
        high: '100.02',
        low: '100.00',
        close: '100.02',
        volume: '1',
        observations: 3,
      },
      {
        start: new Date(BASE + DAY).toISOString(),
        source: 'srca',
        open: '200.00',
        high: '200.00',
        low: '200.00',
        close: '200.00',
        volume: '2',
        observations: 1,
      },
    ]);
  });

  it('should aggregate 5m buckets from the raw quotes, with gaps, UTC-aligned', async () => {
    const asset = await newAsset('FIVE');
    const at = (min: number, sec = 0) => BASE + min * 60_000 + sec * 1000;
    await ingest([
      { asset, source: 'srca', at: at(0, 10), cents: 100_00, volume: null },
      { asset, source: 'srca', at: at(4, 59), cents: 101_50, volume: 9 },
      { asset, source: 'srca', at: at(2), cents: 99_00, volume: 5 },
      { asset, source: 'srcb', at: at(3), cents: 100_50, volume: null },
      { asset, source: 'srca', at: at(15), cents: 102_00, volume: 1 },
    ]);

    const res = await http()
      .get(`/assets/${asset}/history`)
      .query({ interval: '5m', from: new Date(at(0)).toISOString(), to: new Date(at(20)).toISOString() })
      .expect(200);

    expect(res.body.data).toEqual({
      asset: { id: asset, symbol: 'FIVE', name: 'FIVE' },
      interval: '5m',
      buckets: [
        {
          start: new Date(at(0)).toISOString(),
          source: 'srca',
          open: '100.00',
          high: '101.50',
          low: '99.00',
          close: '101.50',
          volume: '9',
          observations: 3,
        },
        {
          start: new Date(at(0)).toISOString(),
          source: 'srcb',
          open: '100.50',
          high: '100.50',
          low: '100.50',
          close: '100.50',
          volume: null,
          observations: 1,
        },
        {
          start: new Date(at(15)).toISOString(),
          source: 'srca',
          open: '102.00',
          high: '102.00',
          low: '102.00',
          close: '102.00',
          volume: '1',
          observations: 1,
        },
      ],
      // Both sources fresh in the first bucket: the exact mean of the two middle closes.
      consensus: [
        { start: new Date(at(0)).toISOString(), close: '101' },
        { start: new Date(at(15)).toISOString(), close: '102.00' },
      ],
    });
    expect(res.body.metadata).toMatchObject({
      gaps: [{ from: new Date(at(5)).toISOString(), to: new Date(at(15)).toISOString() }],
      request_id: expect.any(String),
    });
  });

  it('should count in a daily consensus only the sources whose close is within the freshness budget of the bucket end', async () => {
    const asset = await newAsset('CONS');
    await ingest([
      { asset, source: 'srca', at: BASE + 20 * HOUR, cents: 100_00, volume: null },
      { asset, source: 'srcb', at: BASE + 22 * HOUR, cents: 104_00, volume: null },
      { asset, source: 'srcc', at: BASE + 23 * HOUR, cents: 101_00, volume: null },
      // Last seen at 02:00: more than 12 h before the day's end, not counted.
      { asset, source: 'stale', at: BASE + 2 * HOUR, cents: 500_00, volume: null },
    ]);

    const res = await http()
      .get(`/assets/${asset}/history`)
      .query({ interval: '1d', from: new Date(BASE).toISOString(), to: new Date(BASE + DAY).toISOString() })
      .expect(200);

    expect(res.body.data.buckets).toHaveLength(4);
    expect(res.body.data.consensus).toEqual([{ start: new Date(BASE).toISOString(), close: '101.00' }]);
    const one = await http()
      .get(`/assets/${asset}/history`)
      .query({
        interval: '1d',
        from: new Date(BASE).toISOString(),
        to: new Date(BASE + DAY).toISOString(),
        source: 'stale',
      })
      .expect(200);
    expect(one.body.data.buckets.map((x: Bucket) => x.source)).toEqual(['stale']);
    expect(one.body.data.consensus).toEqual([{ start: new Date(BASE).toISOString(), close: '101.00' }]);
  });

  it.each([
    ['5m over more than 7 days', { interval: '5m', from: '2025-03-01T00:00:00Z', to: '2025-03-08T00:05:00Z' }, 'from'],
    [
      '1h over more than 400 days',
      { interval: '1h', from: '2024-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' },
      'from',
    ],
    [
      '1d over more than 20 years',
      { interval: '1d', from: '2000-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' },
      'from',
    ],
    ['from not before to', { interval: '1d', from: '2025-03-02T00:00:00Z', to: '2025-03-01T00:00:00Z' }, 'from'],
    ['an unknown interval', { interval: '15m' }, 'interval'],
    ['a bad date', { from: 'yesterday' }, 'from'],
    ['an unknown parameter', { limit: '5' }, 'limit'],
  ])('should answer 400 naming the field for %s', async (_what, query, field) => {
    const asset = await newAsset(`BAD${field.length}`);
    const res = await http().get(`/assets/${asset}/history`).query(query).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('should answer the same history for {source}:{source_asset_id} as for the asset id', async () => {
    const asset = await newAsset('REF');
    await sql(
      `INSERT INTO asset_source_ids (source, source_asset_id, asset_id, match_method, confidence, symbol, name)
               VALUES ('srcref', 'ref-coin', $1, 'manual', 1, 'REF', 'Ref Coin')`,
      [asset],
    );
    await ingest(
      [0, 1, 30].map((h, i) => ({ asset, source: 'srcref', at: BASE + h * HOUR, cents: 5_00 + i, volume: i })),
    );
    const query = { interval: '1h', from: new Date(BASE).toISOString(), to: new Date(BASE + 2 * DAY).toISOString() };
    const byId = await http().get(`/assets/${asset}/history`).query(query).expect(200);
    const byRef = await http().get('/assets/srcref:ref-coin/history').query(query).expect(200);
    expect(byRef.body.data).toEqual(byId.body.data);
    expect(byRef.body.data.buckets).toHaveLength(3);
    await http().get('/assets/srcref:no-such-coin/history').query(query).expect(404);
  });

  it('should answer 404 for an unknown asset and 400 for a non-UUID id', async () => {
    await http().get(`/assets/${randomUUID()}/history`).expect(404);
    const res = await http().get('/assets/bitcoin/history').expect(400);
    expect(res.body.errors[0].field).toBe('id');
  });

  it('should default to a year of daily buckets ending with the current day, every missing day in gaps', async () => {
    const asset = await newAsset('DEF');
    const res = await http().get(`/assets/${asset}/history`).expect(200);
    const today = Math.floor(Date.now() / DAY) * DAY;

    expect(res.body.data).toMatchObject({ interval: '1d', buckets: [], consensus: [] });
    expect(res.body.metadata.gaps).toEqual([
      { from: new Date(today + DAY - 365 * DAY).toISOString(), to: new Date(today + DAY).toISOString() },
    ]);
  });
});
