import SwaggerParser from '@apidevtools/swagger-parser';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

const ADMIN_KEY = 'api-test-admin-key-0123456789';

describe('REST API (real PostgreSQL, data from a real ETL run against fixture upstreams)', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let app: NestFastifyApplication;
  let runId: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(60);
    upstream = fixtures.upstream;
    app = await createTestApp({ ...fixtures.env, DATABASE_URL: db.url, ADMIN_API_KEY: ADMIN_KEY });
    const summary = await app.get(EtlRunner).run({ trigger: 'manual' });
    expect(summary.status).toBe('succeeded');
    runId = summary.runId;
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  it.each([
    ['/data?limit=1', 200],
    ['/data?limit=oops', 400],
    ['/no-such-route', 404],
  ])('should send the security headers on %s (%i)', async (path, status) => {
    const res = await http().get(path).expect(status);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // Plain HTTP: no HSTS and no upgrade-insecure-requests (they blank Swagger UI on a non-localhost host).
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-request-id']).toBeDefined();
  });

  describe('GET /data', () => {
    it('should return the envelope with rows naming their asset and source', async () => {
      const res = await http().get('/data?limit=3').expect(200);

      expect(res.body.pagination).toEqual({
        limit: 3,
        next_cursor: expect.any(String),
        total: expect.any(Number),
        total_is_estimate: false,
      });
      expect(res.body.metadata).toEqual({
        request_id: res.headers['x-request-id'],
        api_latency_ms: expect.any(Number),
      });
      expect(res.body.data[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          asset: { id: expect.any(String), symbol: expect.any(String), name: expect.any(String) },
          source: expect.any(String),
          observed_at: expect.any(String),
          price_usd: expect.stringMatching(/^\d+(\.\d+)?$/),
        }),
      );
      // Timestamps are formatted by PostgreSQL: they must look exactly like Date#toISOString().
      for (const row of res.body.data) {
        expect(new Date(row.observed_at).toISOString()).toBe(row.observed_at);
        expect(new Date(row.ingested_at).toISOString()).toBe(row.ingested_at);
      }
    });

    it('should show BTC from all three market sources under one asset', async () => {
      const res = await http().get('/data?symbol=btc&limit=100').expect(200);
      // data/exchange-export-quirky.csv has tickers but no names: a bare ticker is not an identity
      // (docs/SOURCES.md "CSV identity key"), so its `BTC` rows are kept apart from Bitcoin.
      const named = res.body.data.filter((r: any) => !(r.source === 'csv' && r.source_asset_id === 'BTC'));
      const bare = res.body.data.filter((r: any) => r.source === 'csv' && r.source_asset_id === 'BTC');

      const assets = new Set(named.map((r: any) => r.asset.id));
      const sources = new Set(named.map((r: any) => r.source));
      expect(assets.size).toBe(1);
      expect([...sources].sort()).toEqual(['coingecko', 'coinpaprika', 'csv']);
      expect(bare.length).toBeGreaterThan(0);
      expect(bare.every((r: any) => !assets.has(r.asset.id))).toBe(true);
    });

    it('should filter by source, asset, time range and price', async () => {
      const bySource = (await http().get('/data?source=coingecko&limit=1000').expect(200)).body;
      expect(bySource.data.length).toBe(60);
      expect(bySource.data.every((r: any) => r.source === 'coingecko')).toBe(true);

      const assetId = bySource.data[0].asset.id;
      const byAsset = (await http().get(`/data?asset_id=${assetId}`).expect(200)).body;
      expect(byAsset.data.every((r: any) => r.asset.id === assetId)).toBe(true);

      const range = (await http().get('/data?from=2025-04-29T00:00:00Z&to=2025-04-30T00:00:00Z&limit=1000').expect(200))
        .body;
      expect(range.data.length).toBeGreaterThan(0);
      expect(range.data.every((r: any) => r.observed_at.startsWith('2025-04-29'))).toBe(true);

      const prices = (await http().get('/data?min_price=1000&max_price=5000&limit=1000').expect(200)).body;
      expect(prices.data.length).toBeGreaterThan(0);
      expect(prices.data.every((r: any) => Number(r.price_usd) >= 1000 && Number(r.price_usd) <= 5000)).toBe(true);
    });

    it.each(['observed_at:desc', 'observed_at:asc', 'price:desc', 'price:asc'])(
      'should page with %s without overlap or gap',
      async (sort) => {
        const all = (await http().get(`/data?sort=${sort}&limit=1000`).expect(200)).body.data.map((r: any) => r.id);
        const paged: string[] = [];
        let cursor: string | null = null;
        do {
          const res: any = (
            await http()
              .get(`/data?sort=${sort}&limit=37${cursor ? `&cursor=${cursor}` : ''}`)
              .expect(200)
          ).body;
          paged.push(...res.data.map((r: any) => r.id));
          cursor = res.pagination.next_cursor;
        } while (cursor);

        expect(paged).toEqual(all);
        expect(new Set(paged).size).toBe(paged.length);
      },
    );

    it('should neither skip nor repeat rows while new rows arrive during paging', async () => {
      const seen: string[] = [];
      const first = (await http().get('/data?sort=observed_at:asc&limit=50').expect(200)).body;
      seen.push(...first.data.map((r: any) => r.id));
      const before = first.pagination.total as number;
      // New observations arrive (the upstream moves on and the ETL runs) between page fetches.
      upstream.advance(3_600_000);
      await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coingecko'] });
      let cursor = first.pagination.next_cursor;
      while (cursor) {
        const page: any = (await http().get(`/data?sort=observed_at:asc&limit=50&cursor=${cursor}`).expect(200)).body;
        seen.push(...page.data.map((r: any) => r.id));
        cursor = page.pagination.next_cursor;
      }

      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(before + 60);
    });

    it('should accept offset for compatibility', async () => {
      const all = (await http().get('/data?limit=10').expect(200)).body.data.map((r: any) => r.id);
      const offset = (await http().get('/data?limit=5&offset=5').expect(200)).body.data.map((r: any) => r.id);
      expect(offset).toEqual(all.slice(5, 10));
    });

    it.each([
      ['limit=0', ['limit']],
      ['limit=1001', ['limit']],
      ['limit=abc', ['limit']],
      ['from=yesterday', ['from']],
      ['from=-9879001', ['from']],
      ['to=2025-123', ['to']],
      ['from=2025-05-02T00:00:00Z&to=2025-05-01T00:00:00Z', ['from', 'to']],
      ['sort=price', ['sort']],
      ['cursor=not-a-cursor', ['cursor']],
      ['cursor=abc&offset=5', ['offset']],
      ['min_price=-1', ['min_price']],
      ['asset_id=42', ['asset_id']],
      ['symbol=%27%3B%20DROP%20TABLE%20assets%3B--', ['symbol']],
      ['unknown=1', ['unknown']],
      ['offset=-3', ['offset']],
    ])('should answer 400 naming the field for %s', async (qs, fields) => {
      const res = await http().get(`/data?${qs}`).expect(400);

      expect(res.body.statusCode).toBe(400);
      expect([...new Set(res.body.errors.map((e: any) => e.field))].sort()).toEqual([...fields].sort());
    });

    it.each([
      ['/data', 'observed_at:desc', ['yesterday', '1']],
      ['/data', 'observed_at:desc', ['2025-05-02T00:00:00Z', 'not-an-id']],
      ['/data?sort=price:asc', 'price:asc', ['cheap', '1']],
      ['/drift-events', 'drift', ['-9879001', '1']],
      ['/runs', 'runs', ['2025-05-02T00:00:00Z', 'x']],
      ['/quarantine', 'quarantine', ['2025-13-45T00:00:00Z', '1']],
      ['/news', 'news', ['2025-05-02T00:00:00Z', '1e99']],
      ['/assets', 'assets', [42]],
    ])(
      'should answer 400 for a well-formed cursor holding values the list cannot use (%s, %j)',
      async (path, sort, keys) => {
        const forged = Buffer.from(JSON.stringify({ v: 1, s: sort, k: keys })).toString('base64url');
        // The admin key only matters to /quarantine (admin-only); the others ignore it.
        const res = await http()
          .get(`${path}${path.includes('?') ? '&' : '?'}cursor=${forged}`)
          .set('x-api-key', ADMIN_KEY)
          .expect(400);
        expect(res.body.errors).toEqual([
          { field: 'cursor', message: 'cursor is invalid or belongs to another sort order' },
        ]);
      },
    );

    it('should reject a cursor from another sort order', async () => {
      const cursor = (await http().get('/data?sort=price:asc&limit=1').expect(200)).body.pagination.next_cursor;
      const res = await http().get(`/data?sort=observed_at:desc&cursor=${cursor}`).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'cursor', message: 'cursor is invalid or belongs to another sort order' },
      ]);
    });
  });

  describe('GET /assets', () => {
    it('should list assets with source ids, search, and 404/400 on bad ids', async () => {
      const list = (await http().get('/assets?q=bitcoin').expect(200)).body;
      const btc = list.data.find((a: any) => a.symbol === 'BTC');
      expect(btc.source_ids.map((s: any) => s.source).sort()).toEqual(['coingecko', 'coinpaprika', 'csv']);
      expect(list.data.map((a: any) => a.symbol)).toEqual(expect.arrayContaining(['BTC', 'WBTC', 'BCH', 'BSV']));

      const detail = (await http().get(`/assets/${btc.id}`).expect(200)).body.data;
      expect(detail.consolidated.latest.map((l: any) => l.source).sort()).toEqual(['coingecko', 'coinpaprika', 'csv']);
      expect(detail.consolidated.consensus_price_usd).toMatch(/^\d+(\.\d+)?$/);
      expect(detail.consolidated.field_sources).toEqual({ name: 'coingecko', rank: 'coingecko' });

      await http().get('/assets/00000000-0000-4000-8000-000000000000').expect(404);
      const bad = await http().get('/assets/not-a-uuid').expect(400);
      expect(bad.body.errors[0].field).toBe('id');
      expect((await http().get('/assets?needs_review=maybe').expect(400)).body.errors[0].field).toBe('needs_review');
    });

    it('should re-point a mapping with the admin key only', async () => {
      const eth = (await http().get('/assets?symbol=ETH').expect(200)).body.data[0];
      const etc = (await http().get('/assets?symbol=ETC').expect(200)).body.data[0];
      // The CSV keys a named row by ticker and name (docs/SOURCES.md "CSV identity key").
      const path = '/assets/mappings/csv/ETC:ethereum-classic';
      await http().put(path).send({ asset_id: eth.id }).expect(401);
      await http().put(path).set('x-api-key', ADMIN_KEY).send({ asset_id: 'nope' }).expect(400);
      await http().put('/assets/mappings/csv/NOPE').set('x-api-key', ADMIN_KEY).send({ asset_id: eth.id }).expect(404);

      await http().put(path).set('x-api-key', ADMIN_KEY).send({ asset_id: etc.id }).expect(200);
      const after = (await http().get(`/assets/${etc.id}`).expect(200)).body.data;
      expect(after.source_ids).toContainEqual({
        source: 'csv',
        source_asset_id: 'ETC:ethereum-classic',
        match_method: 'manual',
        confidence: 1,
      });
    });
  });

  it('GET /news should return items with linked assets and filter by asset and text', async () => {
    const all = (await http().get('/news?limit=100').expect(200)).body;
    expect(all.data.length).toBe(30);
    const withAsset = all.data.find((n: any) => n.assets.length > 0);
    const assetId = withAsset.assets[0].id;
    const filtered = (await http().get(`/news?asset_id=${assetId}`).expect(200)).body.data;
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((n: any) => n.assets.some((a: any) => a.id === assetId))).toBe(true);
    const q = (await http().get('/news?q=recap').expect(200)).body.data;
    expect(q.length).toBeGreaterThan(0);
    expect(q.every((n: any) => /recap/i.test(n.title))).toBe(true);
    expect((await http().get('/news?q=%25_%5C').expect(200)).body.data).toEqual([]);
  });

  it('GET /stats should report every source and the totals', async () => {
    const stats = (await http().get('/stats').expect(200)).body.data;
    const names = stats.sources.map((s: any) => s.source);
    expect(names).toEqual(expect.arrayContaining(['csv', 'coinpaprika', 'coingecko', 'rss']));
    const gecko = stats.sources.find((s: any) => s.source === 'coingecko');
    expect(gecko).toEqual(
      expect.objectContaining({
        enabled: true,
        last_run_status: 'succeeded',
        records_total: expect.any(Number),
        last_success_at: expect.any(String),
        cursor: {
          markets: { snapshot: expect.objectContaining({ complete: true, max_last_updated: expect.any(String) }) },
        },
      }),
    );
    expect(stats.totals.market_quotes).toBeGreaterThan(0);
  });

  describe('GET /runs', () => {
    it('should list runs, show one with per-source detail, and compare two', async () => {
      const list = (await http().get('/runs').expect(200)).body;
      expect(list.data.length).toBeGreaterThanOrEqual(1);
      const detail = (await http().get(`/runs/${runId}`).expect(200)).body.data;
      expect(detail.source_runs.map((s: any) => s.source)).toEqual(['coingecko', 'coinpaprika', 'csv', 'rss']);
      expect(detail.anomalies).toEqual(expect.any(Array));

      const latest = list.data[0].id;
      const compare = (await http().get(`/runs/compare?base=${runId}&target=${latest}`).expect(200)).body.data;
      expect(compare.base.id).toBe(runId);
      expect(compare.sources.find((s: any) => s.source === 'csv')).toEqual(
        expect.objectContaining({ base_status: 'succeeded' }),
      );
    });

    it('should page runs whose start times differ below the millisecond without skipping any', async () => {
      const { Client } = await import('pg');
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query(`INSERT INTO etl_runs (trigger, status, sources, instance_id, started_at)
        SELECT 'cli', 'succeeded', '{csv}', 'µs-test', timestamptz '2020-01-01 00:00:00.000100' + g * interval '1 microsecond' FROM generate_series(1, 5) g`);
      await c.end();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = (
          await http()
            .get(`/runs?trigger=cli&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
            .expect(200)
        ).body;
        seen.push(...page.data.map((r: any) => r.id));
        cursor = page.pagination.next_cursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(5);
      expect(seen).toHaveLength(5);
    });

    it('should answer 400 for bad ids and 404 for unknown runs', async () => {
      expect((await http().get('/runs/abc').expect(400)).body.errors[0].field).toBe('id');
      await http().get('/runs/999999').expect(404);
      expect((await http().get('/runs/compare?base=1').expect(400)).body.errors.map((e: any) => e.field)).toEqual([
        'target',
      ]);
      await http().get(`/runs/compare?base=${runId}&target=999999`).expect(404);
      expect((await http().get('/runs?status=weird').expect(400)).body.errors[0].field).toBe('status');
    });
  });

  it('GET /drift-events should list drift with filters', async () => {
    const res = (await http().get('/drift-events?source=coinpaprika').expect(200)).body;
    expect(res.data.length).toBeGreaterThan(0);
    expect(res.data.every((e: any) => e.source === 'coinpaprika')).toBe(true);
    expect((await http().get('/drift-events?kind=weird').expect(400)).body.errors[0].field).toBe('kind');
    expect((await http().get('/drift-events?since=-9879001').expect(400)).body.errors[0].field).toBe('since');
  });

  it('GET /quarantine should be admin-only and list quarantined rows with their reason', async () => {
    await http().get('/quarantine').expect(401);
    await http().get('/quarantine').set('x-api-key', 'wrong-key-wrong-key').expect(401);
    const res = (await http().get('/quarantine?source=csv').set('x-api-key', ADMIN_KEY).expect(200)).body;
    expect(res.data.map((q: any) => q.reason)).toEqual(
      expect.arrayContaining([
        'price_usd: not a number: "not-a-price"',
        'observed_at: unrecognised timestamp "someday"',
      ]),
    );
  });

  it.each([
    ['/drift-events', {}],
    ['/quarantine', { 'x-api-key': ADMIN_KEY }],
  ])('%s should page by cursor newest first with no overlap and a stable total', async (path, headers) => {
    const all = (await http().get(`${path}?limit=1000`).set(headers).expect(200)).body;
    expect(all.data.length).toBeGreaterThan(1);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (
        await http()
          .get(`${path}?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
          .set(headers)
          .expect(200)
      ).body;
      expect(page.pagination.total).toBe(all.pagination.total);
      seen.push(...page.data.map((r: any) => r.id));
      cursor = page.pagination.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((r: any) => r.id));
    // Newest first. (Ties are broken by id; paging one row at a time above proves the tie order
    // matches the cursor condition: a text-sorted id, "9" before "11", skipped rows.)
    const times = all.data.map((r: any) => Date.parse(r.last_seen_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("should serve the seed system's observability aliases", async () => {
    const text = await http().get('/observability/metrics').expect(200);
    expect(text.text).toMatch(/etl_records_total\{/);
    const json = (await http().get('/observability/metrics/json').expect(200)).body.data;
    expect(json.counters.etl_records_total.length).toBeGreaterThan(0);
    expect(json.rate_limits.map((r: any) => r.source).sort()).toEqual(['coingecko', 'coinpaprika', 'csv', 'rss']);
    expect(json.rate_limits.find((r: any) => r.source === 'coingecko').requests_per_minute).toBe(6000);
  });

  it('should answer errors as JSON with the request id and no stack trace', async () => {
    for (const path of ['/data?limit=0', '/runs/999999', '/assets/not-a-uuid', '/nowhere']) {
      const res = await http().get(path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
      expect(JSON.stringify(res.body)).not.toMatch(/\.(js|ts):\d+|\bat [A-Z]\w+\./);
    }
  });

  it('should publish an OpenAPI 3 document that validates and documents every path', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;

    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/data',
        '/assets',
        '/assets/{id}',
        '/assets/mappings/{source}/{sourceAssetId}',
        '/news',
        '/stats',
        '/runs',
        '/runs/{id}',
        '/runs/compare',
        '/drift-events',
        '/quarantine',
        '/etl/runs',
        '/etl/sources',
        '/health',
        '/health/live',
        '/health/ready',
        '/metrics',
        '/observability/metrics',
        '/observability/metrics/json',
      ]),
    );
    await http()
      .get('/docs')
      .expect((r) => expect([200, 301, 302]).toContain(r.status));
  });
});

describe('API throttling', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      DATABASE_URL: db.url,
      API_THROTTLE_LIMIT: '5',
      API_THROTTLE_TTL_SECONDS: '60',
      ETL_SOURCES: '',
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should answer 429 with Retry-After over the limit, while probes and /metrics are exempt', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await request(app.getHttpServer()).get('/data?limit=1');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }

    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) {
      await request(app.getHttpServer()).get('/health/live').expect(200);
      await request(app.getHttpServer()).get('/metrics').expect(200);
    }
  });
});
