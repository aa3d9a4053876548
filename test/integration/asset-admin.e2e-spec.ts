import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { assetIdFor, assetKeyFor } from '../../src/catalog/asset-naming.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import type { FixtureCoin } from '../../src/tools/dev/fixture-upstream/coins.js';
import { geckoMarket, paprikaTicker, rssFeed } from '../../src/tools/dev/fixture-upstream/payloads.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { SourceLock } from '../../src/etl/source-lock.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ADMIN_KEY = 'identity-admin-key-0123456789';
const UNKNOWN_ID = '3b241101-e2bb-5255-8caf-4136c566a962';
const CSV_HEADER = 'symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,rank,last_updated';

type ServedCoin = FixtureCoin & { in: { gecko: boolean; paprika: boolean } };

function coin(
  symbol: string,
  name: string,
  ids: { gecko?: string; paprika?: string },
  price: number,
  rank: number,
): ServedCoin {
  return {
    symbol,
    name,
    geckoId: ids.gecko ?? '',
    paprikaId: ids.paprika ?? '',
    price,
    rank,
    maxSupply: null,
    in: { gecko: !!ids.gecko, paprika: !!ids.paprika },
  };
}

/**
 * A rebrand seen from two sources: CoinPaprika still lists MATIC "Polygon", CoinGecko lists the
 * new POL. Plus look-alikes for the review cases (BTT BitTorrent / BitTube) and BTC everywhere.
 */
const COINS = [
  coin('MATIC', 'Polygon', { paprika: 'matic-polygon' }, 0.3812, 20),
  coin('POL', 'POL (ex-MATIC)', { gecko: 'polygon-ecosystem-token' }, 0.3809, 21),
  coin('BTC', 'Bitcoin', { gecko: 'bitcoin', paprika: 'btc-bitcoin' }, 96518, 1),
  coin('BTT', 'BitTorrent', { gecko: 'bittorrent' }, 0.0000009, 60),
  coin('BTT', 'BitTube', { paprika: 'btt-bittube' }, 0.0001, 3000),
  coin('LINK', 'Chainlink', { gecko: 'chainlink', paprika: 'link-chainlink' }, 14.52, 13),
];

/** Loopback CoinGecko, CoinPaprika and RSS serving COINS in the real APIs' shapes, at a movable instant. */
class RebrandUpstream {
  at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const at = this.at.toISOString();
      let body: string;
      let type = 'application/json';
      if (url.pathname.endsWith('/coins/markets')) {
        const page = url.searchParams.get('page') === '1' ? COINS.filter((c) => c.in.gecko) : [];
        body = JSON.stringify(page.map((c) => geckoMarket(c, at)));
      } else if (url.pathname.endsWith('/tickers')) {
        body = JSON.stringify(COINS.filter((c) => c.in.paprika).map((c) => paprikaTicker(c, at)));
      } else if (url.pathname.startsWith('/rss/')) {
        type = 'application/rss+xml';
        body = rssFeed({ feedName: 'rebrand', coins: COINS, at: this.at, count: 12 });
      } else {
        body = JSON.stringify({ ok: true });
      }
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  env(): Record<string, string> {
    const base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return {
      COINGECKO_BASE_URL: `${base}/coingecko/api/v3`,
      COINPAPRIKA_BASE_URL: `${base}/coinpaprika/v1`,
      RSS_FEED_URLS: `${base}/rss/rebrand`,
    };
  }

  /** Moves the snapshot a minute on: every quote of the next run is a new observation. */
  tick(): void {
    this.at = new Date(this.at.getTime() + 60_000);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface SourceIdBody {
  source: string;
  source_asset_id: string;
  match_method: string;
}
interface AssetBody {
  id: string;
  symbol: string;
  name: string;
  needs_review: boolean;
  source_ids: SourceIdBody[];
  history: Array<Record<string, unknown>>;
}
type QuoteCount = { source: string; source_asset_id: string; n: number };

describe('operator identity corrections (POST /assets/{id}/merge|split|review), real ETL and PostgreSQL', () => {
  let db: TestDatabase;
  let upstream: RebrandUpstream;
  let csvDir: string;
  let app: NestFastifyApplication;
  let pg: Client;

  const http = () => request(app.getHttpServer());
  const post = (id: string, action: string, body: object) =>
    http().post(`/assets/${id}/${action}`).set('x-api-key', ADMIN_KEY).send(body);
  const run = async () => {
    const summary = await app.get(EtlRunner).run({ trigger: 'manual' });
    expect(
      Object.entries(summary.sources)
        .map(([source, s]) => [source, s.status])
        .sort(),
    ).toEqual([
      ['coingecko', 'succeeded'],
      ['coinpaprika', 'succeeded'],
      ['csv', 'succeeded'],
      ['rss', 'succeeded'],
    ]);
  };
  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> =>
    (await pg.query(text, params)).rows as T[];
  const asset = async (id: string): Promise<AssetBody> =>
    (await http().get(`/assets/${id}`).expect(200)).body.data as AssetBody;
  const ownerOf = async (source: string, sourceAssetId: string): Promise<string> =>
    (
      await sql<{ asset_id: string }>(
        `SELECT asset_id FROM asset_source_ids WHERE source = $1 AND source_asset_id = $2`,
        [source, sourceAssetId],
      )
    )[0]?.asset_id;
  const csvIdOf = async (assetId: string): Promise<string> =>
    (
      await sql<{ source_asset_id: string }>(
        `SELECT source_asset_id FROM asset_source_ids WHERE source = 'csv' AND asset_id = $1`,
        [assetId],
      )
    )[0]?.source_asset_id;
  const quotesOf = (assetId: string) =>
    sql<QuoteCount>(
      `SELECT source, source_asset_id, count(*)::int AS n FROM market_quotes WHERE asset_id = $1
      GROUP BY 1, 2 ORDER BY 1, 2`,
      [assetId],
    );
  const csvPricesOf = (assetId: string) =>
    sql<{ price_usd: string }>(`SELECT price_usd::text FROM market_quotes WHERE asset_id = $1 AND source = 'csv'`, [
      assetId,
    ]);
  const newsOf = async (assetId: string) =>
    (await sql<{ news_id: string }>(`SELECT news_id::text FROM news_asset_mentions WHERE asset_id = $1`, [assetId]))
      .map((r) => r.news_id)
      .sort();
  const mappings = () => sql(`SELECT source, source_asset_id, asset_id FROM asset_source_ids ORDER BY 1, 2`);
  const auditCount = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM asset_identity_audit`))[0].n;
  const exists = async (id: string) => (await sql(`SELECT id FROM assets WHERE id = $1`, [id])).length > 0;
  const writeCsv = (file: string, rows: string[]) =>
    writeFileSync(path.join(csvDir, file), [CSV_HEADER, ...rows, ''].join('\n'));
  const total = (rows: QuoteCount[]) => rows.reduce((s, q) => s + q.n, 0);

  // Ids the ETL gives on its own (set after the first run).
  let matic: string; // CoinPaprika MATIC "Polygon" (+ the CSV's MATIC row)
  let pol: string; // CoinGecko POL
  let btc: string;
  let bttTube: string; // BitTube and BitTorrent share BTT: whichever the matcher saw second is flagged
  let bttTorrent: string;
  let flagged: string; // an asset the matcher flagged for review
  let linkCsv: string; // the CSV's "ChainLink Token" without a rank: not merged with Chainlink
  let link: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    upstream = await new RebrandUpstream().start();
    csvDir = mkdtempSync(path.join(tmpdir(), 'asset-admin-csv-'));
    const at = upstream.at.toISOString();
    writeCsv('day1.csv', [
      `MATIC,Polygon,0.3815,3800000000,120000000,1.5,,${at}`,
      `BTC,Bitcoin,96500.00,1916585996993,30334935517,2.37,1,${at}`,
      `LINK,ChainLink Token,14.50,9000000000,500000000,0.5,,${at}`,
    ]);
    app = await createTestApp({
      ...upstream.env(),
      DATABASE_URL: db.url,
      ADMIN_API_KEY: ADMIN_KEY,
      ETL_SOURCES: 'coingecko,coinpaprika,csv,rss',
      CSV_SOURCE_DIR: csvDir,
      COINGECKO_RATE_LIMIT_PER_MIN: '6000',
      COINPAPRIKA_RATE_LIMIT_PER_MIN: '6000',
      RSS_RATE_LIMIT_PER_MIN: '6000',
      HTTP_RETRY_BASE_MS: '10',
    });
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    await run();
    matic = await ownerOf('coinpaprika', 'matic-polygon');
    pol = await ownerOf('coingecko', 'polygon-ecosystem-token');
    btc = await ownerOf('coingecko', 'bitcoin');
    bttTube = await ownerOf('coinpaprika', 'btt-bittube');
    bttTorrent = await ownerOf('coingecko', 'bittorrent');
    link = await ownerOf('coingecko', 'chainlink');
    linkCsv = (
      await sql<{ asset_id: string }>(
        `SELECT asset_id FROM asset_source_ids WHERE source = 'csv' AND name = 'ChainLink Token'`,
      )
    )[0]?.asset_id;
    // The matcher's review cases here: a BTT look-alike or the CSV's old "ChainLink Token" name.
    flagged = (await sql<{ id: string }>(`SELECT id FROM assets WHERE needs_review ORDER BY symbol, id`))[0]?.id;
  });

  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await upstream?.stop();
    if (csvDir) rmSync(csvDir, { recursive: true, force: true });
    await db?.drop();
  });

  it('should start from what the matcher decided: MATIC and POL apart, a look-alike flagged for review', async () => {
    expect(new Set([matic, pol, btc, bttTube, bttTorrent, link, linkCsv]).size).toBe(7);
    expect(await csvIdOf(matic)).toBeDefined();
    expect([bttTube, bttTorrent, linkCsv]).toContain(flagged);
    expect((await asset(matic)).history).toEqual([]);
  });

  describe('auth and validation', () => {
    it('should answer 401 without or with a wrong admin key, before anything else', async () => {
      await http().post(`/assets/${pol}/merge`).send({ from: matic }).expect(401);
      await http()
        .post(`/assets/${pol}/split`)
        .set('x-api-key', 'wrong-key-wrong-key')
        .send({ source: 'csv', source_asset_id: 'x' })
        .expect(401);
      await http().post(`/assets/${pol}/review`).send({ decision: 'confirm' }).expect(401);
      expect(await auditCount()).toBe(0);
    });

    it('should answer 403 when the service has no admin key', async () => {
      const locked = await createTestApp({
        ...upstream.env(),
        DATABASE_URL: db.url,
        ADMIN_API_KEY: '',
        ETL_SOURCES: 'coingecko',
      });
      const bodies: Array<[string, object]> = [
        ['merge', { from: matic }],
        ['split', { source: 'csv', source_asset_id: 'x' }],
        ['review', { decision: 'confirm' }],
      ];
      try {
        for (const [action, body] of bodies) {
          const res = await request(locked.getHttpServer())
            .post(`/assets/${pol}/${action}`)
            .set('x-api-key', ADMIN_KEY)
            .send(body)
            .expect(403);
          expect(res.body.message).toMatch(/ADMIN_API_KEY/);
        }
      } finally {
        await locked.close();
      }
    });

    it.each([
      ['merge', 'from', 'missing', {}],
      ['merge', 'from', 'not a UUID', { from: 'not-a-uuid' }],
      ['merge', 'extra', 'unknown', { from: UNKNOWN_ID, extra: 1 }],
      ['merge', 'reason', 'too long', { from: UNKNOWN_ID, reason: 'x'.repeat(501) }],
      ['split', 'source', 'missing', { source_asset_id: 'x' }],
      ['split', 'source', 'not a source id', { source: 'Bad Source!', source_asset_id: 'x' }],
      ['split', 'source_asset_id', 'empty', { source: 'csv', source_asset_id: '' }],
      ['review', 'decision', 'unknown', { decision: 'maybe' }],
      ['review', 'asset_id', 'missing with merge_into', { decision: 'merge_into' }],
      ['review', 'asset_id', 'not a UUID', { decision: 'merge_into', asset_id: 'nope' }],
      ['review', 'asset_id', 'given with confirm', { decision: 'confirm', asset_id: UNKNOWN_ID }],
    ])('should answer 400 naming the field: %s, %s %s', async (action, field, _why, body) => {
      const res = await post(pol, action, body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('should answer any body with 200, 400, 404 or 409, never 500, and record nothing', async () => {
      const hostile = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.uuid(),
        fc.constantFrom(pol, btc, "' OR 1=1 --", 'merge_into', 'confirm', 'coinpaprika'),
        fc.constantFrom('ü'.repeat(300), '9'.repeat(400)),
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      );
      const fields = fc.constantFrom(
        'from',
        'source',
        'source_asset_id',
        'decision',
        'asset_id',
        'reason',
        'unexpected',
      );
      // Merging BTC into POL is refused (both hold a CoinGecko id), so no generated body can change anything.
      const before = await mappings();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('merge', 'split', 'review'),
          fc.dictionary(fields, hostile, { maxKeys: 3 }),
          async (action, body) => {
            const res = await post(pol, action, body);
            // 200 only for confirming POL, which never needed review (nothing to change or record).
            expect([200, 400, 404, 409]).toContain(res.status);
          },
        ),
        { numRuns: 60 },
      );
      expect(await mappings()).toEqual(before);
      expect(await auditCount()).toBe(0);
    });

    it('should answer 400 for a path id that is not a UUID, and 404 naming the field for unknown assets', async () => {
      await post('nope', 'merge', { from: matic }).expect(400);
      const cases: Array<[string, string, object, string]> = [
        [UNKNOWN_ID, 'merge', { from: matic }, 'id'],
        [pol, 'merge', { from: UNKNOWN_ID }, 'from'],
        [UNKNOWN_ID, 'split', { source: 'csv', source_asset_id: 'x' }, 'id'],
        [pol, 'split', { source: 'csv', source_asset_id: 'no-such-id' }, 'source_asset_id'],
        [UNKNOWN_ID, 'review', { decision: 'confirm' }, 'id'],
        [bttTube, 'review', { decision: 'merge_into', asset_id: UNKNOWN_ID }, 'asset_id'],
      ];
      for (const [id, action, body, field] of cases) {
        const res = await post(id, action, body).expect(404);
        expect({ action, body: res.body }).toMatchObject({ action, body: { field } });
      }
      expect(await auditCount()).toBe(0);
    });

    it('should answer 409 for impossible operations and change nothing', async () => {
      const before = await mappings();
      expect((await post(pol, 'merge', { from: pol }).expect(409)).body.message).toMatch(/itself/);
      const itself = await post(pol, 'review', { decision: 'merge_into', asset_id: pol }).expect(409);
      expect(itself.body.message).toMatch(/itself/);
      // BTC holds a CoinGecko id, so does BitTorrent: one asset never holds two ids of one source.
      const clash = (await post(btc, 'merge', { from: bttTorrent }).expect(409)).body;
      expect(clash).toMatchObject({
        sources: ['coingecko'],
        message: expect.stringMatching(/at most one id per source/),
      });
      // POL's only source id.
      const last = await post(pol, 'split', { source: 'coingecko', source_asset_id: 'polygon-ecosystem-token' }).expect(
        409,
      );
      expect(last.body.message).toMatch(/only source id/);
      // An id of another asset.
      const other = await post(pol, 'split', { source: 'coingecko', source_asset_id: 'bitcoin' }).expect(409);
      expect(other.body).toMatchObject({ owner_asset_id: btc });
      expect(await mappings()).toEqual(before);
      expect(await auditCount()).toBe(0);
    });

    it('should answer 409 while a run of an involved source is in progress', async () => {
      const dataSource = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 1 })).initialize();
      try {
        const lock = (await SourceLock.tryAcquire(dataSource, 'coinpaprika'))!;
        const busy = await post(btc, 'split', { source: 'coinpaprika', source_asset_id: 'btc-bitcoin' }).expect(409);
        expect(busy.body).toMatchObject({ running: ['coinpaprika'] });
        await lock.release();
      } finally {
        await dataSource.destroy();
      }
      expect(await ownerOf('coinpaprika', 'btc-bitcoin')).toBe(btc);
      expect(await auditCount()).toBe(0);
    });
  });

  describe('merge MATIC into POL (a rebrand)', () => {
    const reason = 'MATIC rebranded to POL';
    let first: Record<string, any>;
    let maticQuotes: QuoteCount[];
    let maticNews: string[];
    let polNews: string[];

    beforeAll(async () => {
      maticQuotes = await quotesOf(matic);
      maticNews = await newsOf(matic);
      polNews = await newsOf(pol);
      const res = await http()
        .post(`/assets/${pol}/merge`)
        .set('x-api-key', ADMIN_KEY)
        .set('x-request-id', 'merge-matic-1')
        .send({ from: matic, reason })
        .expect(200);
      first = res.body.data;
    });

    it('should move the source ids, quotes and news links and report the counts', async () => {
      const both = maticNews.filter((n) => polNews.includes(n)).length;
      expect(maticQuotes.length).toBe(2);
      expect(maticNews.length).toBeGreaterThan(0);
      expect(first).toEqual({
        action: 'merge',
        asset_id: pol,
        absorbed_asset_id: matic,
        moved: { source_ids: 2, quotes: total(maticQuotes), news_links: maticNews.length },
        dropped_duplicate_quotes: 0,
        merged_duplicate_news_links: both,
        redirects_repointed: 0,
        audit_id: expect.stringMatching(/^\d+$/),
        replayed: false,
      });
      const survivor = await asset(pol);
      expect(survivor.source_ids.map((s) => `${s.source}/${s.source_asset_id}/${s.match_method}`).sort()).toEqual(
        [
          'coingecko/polygon-ecosystem-token/new',
          'coinpaprika/matic-polygon/manual',
          `csv/${await csvIdOf(pol)}/manual`,
        ].sort(),
      );
      expect(await quotesOf(matic)).toEqual([]);
      expect((await quotesOf(pol)).filter((q) => q.source !== 'coingecko')).toEqual(maticQuotes);
      expect(await newsOf(pol)).toEqual([...new Set([...polNews, ...maticNews])].sort());
      expect(await exists(matic)).toBe(false);
    });

    it('should answer 308 to the survivor on GET of the absorbed id; 404 stays 404 for ids never seen', async () => {
      const res = await http().get(`/assets/${matic}`).expect(308);
      expect(res.headers.location).toBe(`/assets/${pol}`);
      expect(res.body).toMatchObject({ statusCode: 308, merged_into: pol, location: `/assets/${pol}` });
      await http().get(`/assets/${UNKNOWN_ID}`).expect(404);
    });

    it('should be idempotent: the same request replays the result, no second audit entry, nothing moves', async () => {
      const audits = await auditCount();
      const again = (await post(pol, 'merge', { from: matic, reason }).expect(200)).body.data;
      expect(again).toEqual({ ...first, replayed: true });
      expect(await auditCount()).toBe(audits);
    });

    it('should record the audit entry (actor, request id, before/after) and show it in the history', async () => {
      const [row] = await sql<Record<string, any>>(`SELECT * FROM asset_identity_audit WHERE id = $1`, [
        first.audit_id,
      ]);
      expect(row).toMatchObject({
        action: 'merge',
        asset_id: pol,
        other_asset_id: matic,
        actor: expect.stringMatching(/^admin-key:[0-9a-f]{8}$/),
        request_id: 'merge-matic-1',
        request: { from: matic, reason },
      });
      expect(row.before.absorbed).toMatchObject({ id: matic, quotes: total(maticQuotes) });
      expect(row.after.survivor.source_ids).toHaveLength(3);
      expect(row.after.dropped_quotes).toEqual([]);
      expect(JSON.stringify(row)).not.toContain(ADMIN_KEY);
      expect((await asset(pol)).history).toEqual([
        {
          id: first.audit_id,
          action: 'merge',
          asset_id: pol,
          other_asset_id: matic,
          actor: row.actor,
          request_id: 'merge-matic-1',
          request: { from: matic, reason },
          result: expect.objectContaining({ absorbed_asset_id: matic, dropped_duplicate_quotes: 0 }),
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        },
      ]);
    });

    it('should hold on the next ETL run: new quotes of both ids land on the survivor', async () => {
      const before = await quotesOf(pol);
      upstream.tick();
      await run();
      expect(await ownerOf('coinpaprika', 'matic-polygon')).toBe(pol);
      expect(await exists(matic)).toBe(false);
      const after = await quotesOf(pol);
      const count = (rows: QuoteCount[], source: string) => rows.find((q) => q.source === source)?.n ?? 0;
      const added = (source: string) => count(after, source) - count(before, source);
      expect({ paprika: added('coinpaprika'), gecko: added('coingecko') }).toEqual({ paprika: 1, gecko: 1 });
      await http().get(`/assets/${matic}`).expect(308);
      // The run re-linked recent news: what named the absorbed coin ("Polygon", $MATIC) still links to POL.
      expect(maticNews.length).toBeGreaterThan(0);
      expect(await newsOf(pol)).toEqual(expect.arrayContaining(maticNews));
    });
  });

  describe('split MATIC back out of POL', () => {
    const body = { source: 'coinpaprika', source_asset_id: 'matic-polygon' };
    let split: Record<string, any>;

    beforeAll(async () => {
      split = (await post(pol, 'split', body).expect(200)).body.data;
    });

    it('should move the source id and only its quotes to a new asset keyed as the matcher keys it', async () => {
      // Same key as the matcher gives "MATIC / Polygon": splitting back out restores the absorbed id.
      const key = assetKeyFor('MATIC', 'Polygon');
      expect(split).toEqual({
        action: 'split',
        asset_id: pol,
        new_asset_id: assetIdFor(key),
        new_asset_key: key,
        ...body,
        moved_quotes: 2,
        audit_id: expect.stringMatching(/^\d+$/),
        replayed: false,
      });
      expect(split.new_asset_id).toBe(matic);
      const created = await asset(matic);
      expect(created).toMatchObject({
        symbol: 'MATIC',
        name: 'Polygon',
        needs_review: false,
        source_ids: [{ ...body, match_method: 'manual' }],
      });
      expect(await quotesOf(matic)).toEqual([{ ...body, n: 2 }]);
      expect((await quotesOf(pol)).map((q) => q.source)).toEqual(['coingecko', 'csv']);
      expect(created.history.map((h) => h.action)).toEqual(['split', 'merge']);
    });

    it('should be idempotent', async () => {
      const audits = await auditCount();
      expect((await post(pol, 'split', body).expect(200)).body.data).toEqual({ ...split, replayed: true });
      expect(await auditCount()).toBe(audits);
    });

    it("should hold on the next ETL run: the split id's new quotes land on the new asset", async () => {
      upstream.tick();
      await run();
      expect(await ownerOf('coinpaprika', 'matic-polygon')).toBe(matic);
      expect(await quotesOf(matic)).toEqual([{ ...body, n: 3 }]);
    });
  });

  describe('merge with quotes that collide on (asset, source, instant)', () => {
    it("should keep the survivor's quote, drop the absorbed one, count it, keep it in the audit", async () => {
      // The CSV id is on POL with its day-1 quote. Re-pointed to MATIC, the same row in a new file
      // lands on MATIC at the same instant: both assets then hold a CSV quote at that instant.
      const csvId = await csvIdOf(pol);
      await http()
        .put(`/assets/mappings/csv/${encodeURIComponent(csvId)}`)
        .set('x-api-key', ADMIN_KEY)
        .send({ asset_id: matic })
        .expect(200);
      const [{ observed_at: instant }] = await sql<{ observed_at: Date }>(
        `SELECT observed_at FROM market_quotes WHERE asset_id = $1 AND source = 'csv'`,
        [pol],
      );
      writeCsv('day1-again.csv', [`MATIC,Polygon,0.3816,3800000000,120000000,1.5,,${instant.toISOString()}`]);
      upstream.tick();
      await run();
      const csvQuote = (await quotesOf(matic)).find((q) => q.source === 'csv');
      expect(csvQuote).toEqual({ source: 'csv', source_asset_id: csvId, n: 1 });
      const kept = await csvPricesOf(pol);

      const merged = (await post(pol, 'merge', { from: matic }).expect(200)).body.data;

      expect(merged).toMatchObject({
        moved: { source_ids: 2, quotes: 4 },
        dropped_duplicate_quotes: 1,
        replayed: false,
      });
      expect(await csvPricesOf(pol)).toEqual(kept);
      const [{ after }] = await sql<{ after: { dropped_quotes: Array<Record<string, unknown>> } }>(
        `SELECT after FROM asset_identity_audit WHERE id = $1`,
        [merged.audit_id],
      );
      expect(after.dropped_quotes).toEqual([
        expect.objectContaining({ source: 'csv', source_asset_id: csvId, price_usd: '0.3816' }),
      ]);
      // The earlier merge's result is history; the new merge is the one replayed now.
      expect((await post(pol, 'merge', { from: matic }).expect(200)).body.data).toEqual({ ...merged, replayed: true });
      expect((await asset(pol)).history.map((h) => h.action)).toEqual(['merge', 'split', 'merge']);
    });
  });

  describe('review', () => {
    it('should confirm: clear needs_review, once; repeats replay; the next run keeps it confirmed', async () => {
      const [{ review_reason: reason }] = await sql<{ review_reason: string }>(
        `SELECT review_reason FROM assets WHERE id = $1`,
        [flagged],
      );
      expect(reason).toEqual(expect.any(String));

      const body = { decision: 'confirm', reason: 'a coin of its own' };
      const confirmed = (await post(flagged, 'review', body).expect(200)).body.data;

      expect(confirmed).toEqual({
        action: 'confirm',
        asset_id: flagged,
        needs_review: false,
        cleared_review_reason: reason,
        audit_id: expect.stringMatching(/^\d+$/),
        replayed: false,
      });
      const audits = await auditCount();
      const again = (await post(flagged, 'review', { decision: 'confirm' }).expect(200)).body.data;
      expect(again).toEqual({ ...confirmed, replayed: true });
      expect(await auditCount()).toBe(audits);
      upstream.tick();
      await run();
      expect(await asset(flagged)).toMatchObject({
        needs_review: false,
        history: [expect.objectContaining({ action: 'confirm', request: body })],
      });
      const methods = await sql(`SELECT match_method FROM asset_source_ids WHERE asset_id = $1`, [flagged]);
      expect(methods).toEqual([{ match_method: 'new' }]);
    });

    it('should record nothing when confirming an asset that never needed review', async () => {
      const audits = await auditCount();
      const res = (await post(btc, 'review', { decision: 'confirm' }).expect(200)).body.data;
      expect(res).toEqual({
        action: 'confirm',
        asset_id: btc,
        needs_review: false,
        cleared_review_reason: null,
        audit_id: null,
        replayed: false,
      });
      expect(await auditCount()).toBe(audits);
    });

    it('should merge_into: this asset is absorbed into asset_id, idempotently, and GET answers 308', async () => {
      const csvId = await csvIdOf(linkCsv);
      const decision = { decision: 'merge_into', asset_id: link };

      const merged = (await post(linkCsv, 'review', decision).expect(200)).body.data;

      expect(merged).toMatchObject({
        action: 'merge',
        asset_id: link,
        absorbed_asset_id: linkCsv,
        moved: { source_ids: 1, quotes: 1 },
        replayed: false,
      });
      expect(await ownerOf('csv', csvId)).toBe(link);
      expect((await http().get(`/assets/${linkCsv}`).expect(308)).headers.location).toBe(`/assets/${link}`);
      const audits = await auditCount();
      expect((await post(linkCsv, 'review', decision).expect(200)).body.data).toEqual({ ...merged, replayed: true });
      expect(await auditCount()).toBe(audits);
      const [row] = await sql(`SELECT action, request FROM asset_identity_audit WHERE id = $1`, [merged.audit_id]);
      expect(row).toEqual({ action: 'merge', request: { from: linkCsv, via: 'review', decision: 'merge_into' } });
      // Absorbed: reviewing it again otherwise is a conflict naming the survivor.
      const absorbed = await post(linkCsv, 'review', { decision: 'confirm' }).expect(409);
      expect(absorbed.body).toMatchObject({ merged_into: link });
    });
  });

  describe('chains', () => {
    it('should keep redirects one hop long when the survivor is merged in turn', async () => {
      // Split LINK's CoinPaprika id out, then merge LINK (which absorbed the CSV asset) into it.
      const body = { source: 'coinpaprika', source_asset_id: 'link-chainlink' };
      const split = (await post(link, 'split', body).expect(200)).body.data;
      const merged = (await post(split.new_asset_id, 'merge', { from: link }).expect(200)).body.data;
      expect(merged.redirects_repointed).toBe(1);
      for (const absorbedId of [linkCsv, link]) {
        const moved = await http().get(`/assets/${absorbedId}`).expect(308);
        expect(moved.headers.location).toBe(`/assets/${split.new_asset_id}`);
      }
      // A POST addressed to an absorbed asset is a conflict naming its survivor.
      const absorbed = await post(link, 'merge', { from: btc }).expect(409);
      expect(absorbed.body).toMatchObject({ merged_into: split.new_asset_id, field: 'id' });
    });
  });

  describe('concurrency', () => {
    it('should serialise two identical merges sent at once: one acts, the other replays it', async () => {
      const audits = await auditCount();
      const answers = await Promise.all([0, 1].map(() => post(bttTorrent, 'merge', { from: bttTube }).expect(200)));
      const data = answers.map((r) => r.body.data as Record<string, unknown>);
      expect(data.map((d) => d.replayed).sort()).toEqual([false, true]);
      expect({ ...data[0], replayed: null }).toEqual({ ...data[1], replayed: null });
      expect(await auditCount()).toBe(audits + 1);
      expect(await ownerOf('coinpaprika', 'btt-bittube')).toBe(bttTorrent);
    });
  });

  it('should describe the operations in Swagger with operation ids, bodies and error responses', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    const operations = [
      ['merge', 'mergeAssets', 'MergeAssetsDto'],
      ['split', 'splitAsset', 'SplitAssetDto'],
      ['review', 'reviewAsset', 'ReviewAssetDto'],
    ];
    for (const [action, operationId, body] of operations) {
      const o = doc.paths[`/assets/{id}/${action}`].post;
      expect(o.operationId).toBe(operationId);
      expect(o.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/${body}`);
      expect(Object.keys(o.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '429', '503']);
    }
    expect(Object.keys(doc.paths['/assets/{id}'].get.responses)).toContain('308');
    expect(doc.components.schemas.AssetDetailDto.properties.history).toBeDefined();
  });
});
