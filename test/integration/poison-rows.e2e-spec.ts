import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { EtlRunner, type RunSummary } from '../../src/etl/etl-runner.service.js';
import { isolateFailingUnits } from '../../src/etl/validation/row-isolation.js';
import { RowIsolationRepository } from '../../src/etl/validation/row-isolation.repository.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';

const ADMIN_KEY = 'poison-test-admin-key-0123456789';
const HEADER = 'symbol,name,price_usd,market_cap_usd,volume_24h_usd,change_24h_pct,rank,circulating_supply,observed_at';
const GOOD_AT = '2025-05-02T00:00:00Z';

interface Row {
  symbol: string;
  name?: string;
  price?: string;
  cap?: string;
  volume?: string;
  change?: string;
  rank?: string;
  supply?: string;
  at?: string;
}
const line = (r: Row): string =>
  [
    r.symbol,
    r.name ?? `${r.symbol} coin`,
    r.price ?? '1.5',
    r.cap ?? '1000000',
    r.volume ?? '5000',
    r.change ?? '-1.2',
    r.rank ?? '10',
    r.supply ?? '21000000',
    r.at ?? GOOD_AT,
  ].join(',');

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * Each hostile value, alone on a row, and the reason it must be quarantined with. The last two pass
 * the envelope and are refused by the database itself (a check constraint, a trigger): they prove
 * the second line of defence, row isolation inside savepoints.
 */
const HOSTILE: Array<[string, Row, RegExp]> = [
  [
    'a decimal exponent PostgreSQL rejects',
    { symbol: 'HEXP', price: '1e999999' },
    /^out of envelope: price_usd: decimal magnitude out of range "1e999999"/,
  ],
  [
    'a negative exponent PostgreSQL rejects',
    { symbol: 'HNEXP', volume: '1e-999999' },
    /^out of envelope: volume_24h_usd: decimal too small/,
  ],
  [
    'a price with hundreds of digits',
    { symbol: 'HDIG', price: '7'.repeat(300) },
    /^out of envelope: price_usd: decimal with 300 significant digits \(at most 40\)$/,
  ],
  [
    'a price with a 60-digit fraction',
    { symbol: 'HFRAC', price: `0.${'3'.repeat(60)}` },
    /^out of envelope: price_usd: decimal with 60 significant digits/,
  ],
  [
    'a market cap beyond 1e40',
    { symbol: 'HCAP', cap: '4.2e45' },
    /^out of envelope: market_cap_usd: decimal magnitude out of range/,
  ],
  [
    'a 24 h change of 1e400',
    { symbol: 'HCHG', change: '1e400' },
    /^out of envelope: change_24h_pct: decimal magnitude out of range/,
  ],
  [
    'a supply of 41 digits',
    { symbol: 'HSUP', supply: '1'.repeat(41) },
    /^out of envelope: circulating_supply: decimal with 41 significant digits/,
  ],
  [
    'an integer rank beyond int range',
    { symbol: 'HRANK', rank: '99999999999' },
    /^out of envelope: rank: integer 99999999999 out of range for integer \(int4\)$/,
  ],
  [
    'a rank one past int4',
    { symbol: 'HRANK2', rank: '2147483648' },
    /^out of envelope: rank: integer 2147483648 out of range/,
  ],
  [
    'a NUL in the name',
    { symbol: 'HNUL', name: 'Bad\u0000Coin' },
    /^cannot be stored as received: payload.name: string contains NUL \(U\+0000\)$/,
  ],
  [
    'a NUL in the price',
    { symbol: 'HNUL2', price: '1.5\u0000' },
    /^cannot be stored as received: payload.price_usd: string contains NUL/,
  ],
  [
    'a timestamp in year 10000',
    { symbol: 'HY10K', at: '10000-01-01T00:00:00Z' },
    /^observed_at: unrecognised timestamp "10000-01-01T00:00:00Z"$/,
  ],
  [
    'a timestamp in 1900',
    { symbol: 'HY1900', at: '1900-01-01T00:00:00Z' },
    /^out of envelope: observed_at: timestamp 1900-01-01T00:00:00.000Z is before 2009-01-03/,
  ],
  [
    'a timestamp one second before the genesis block',
    { symbol: 'HGEN', at: '2009-01-02T23:59:59Z' },
    /^out of envelope: observed_at: timestamp 2009-01-02T23:59:59.000Z is before/,
  ],
  [
    'a timestamp centuries ahead',
    { symbol: 'HFUT', at: '2999-12-31T00:00:00Z' },
    /^out of envelope: observed_at: timestamp 2999-12-31T00:00:00.000Z is more than 86400 s after the run started/,
  ],
  [
    'an epoch-millisecond timestamp in 2286',
    { symbol: 'HEPOCH', at: '9999999999999' },
    /^out of envelope: observed_at: timestamp 2286-11-20T17:46:39.999Z is more than 86400 s/,
  ],
  [
    'a timestamp three days ahead',
    { symbol: 'HSOON', at: inDays(3) },
    /^out of envelope: observed_at: timestamp .* is more than 86400 s after the run started/,
  ],
  [
    'a value a database check constraint refuses',
    { symbol: 'HCHECK', price: '13.37' },
    /^database refused the row: new row for relation "market_quotes(_p\d{8})?" violates check constraint "poison_check" .*\[SQLSTATE 23514\]$/,
  ],
  [
    'a raw payload a database trigger refuses',
    { symbol: 'HTRAP', name: 'RawTrap' },
    /^database refused the row: raw trap \[SQLSTATE 22023\]$/,
  ],
];

const GOOD_FIRST: Row[] = Array.from({ length: 8 }, (_, i) => ({
  symbol: `GA${i}`,
  price: `${100 + i}.25`,
  rank: `${i + 1}`,
}));
// The last two sit on the envelope's edges (40 integer digits; 40 digits after the point): stored, and served.
const GOOD_SECOND: Row[] = [
  ...Array.from({ length: 4 }, (_, i) => ({ symbol: `GB${i}`, price: `${200 + i}.5`, rank: String(i + 20) })),
  {
    symbol: 'GMAX',
    price: '9'.repeat(40),
    cap: '1e39',
    rank: '2147483647',
    supply: `${'1'.repeat(20)}.${'2'.repeat(20)}`,
  },
  {
    symbol: 'GMIN',
    price: '1e-40',
    volume: `0.${'0'.repeat(30)}1234567891`,
    change: '-99.99',
    rank: '0',
    at: '2009-01-03T00:00:00Z',
  },
];

describe('poison rows never stall a source (CSV drop folder, real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let dir: string;
  const runs: RunSummary[] = [];
  const http = () => request(app.getHttpServer());

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(db.url, text, params);
  }

  const run = async (): Promise<RunSummary> => {
    const summary = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['csv'] });
    runs.push(summary);
    return summary;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    // Values the envelope lets through but the database refuses: the isolation path must find them.
    await sql(`ALTER TABLE market_quotes ADD CONSTRAINT poison_check CHECK (price_usd <> 13.37)`);
    await sql(`CREATE FUNCTION raw_trap() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.payload->>'name' = 'RawTrap' THEN RAISE EXCEPTION 'raw trap' USING ERRCODE = '22023'; END IF;
        RETURN NEW;
      END $$`);
    await sql(`CREATE TRIGGER raw_trap BEFORE INSERT OR UPDATE ON raw_records
      FOR EACH ROW EXECUTE FUNCTION raw_trap()`);
    dir = mkdtempSync(path.join(tmpdir(), 'kasparro-poison-'));
    // Good rows around every hostile one; a duplicate of GA0 at the same instant in the same batch (next line,
    // another price; a new name would be another CSV coin) and one in a later batch (last line, another price: it wins).
    const first = [HEADER, line(GOOD_FIRST[0]), line({ ...GOOD_FIRST[0], price: '998.5' })];
    HOSTILE.forEach(([, row], i) => first.push(line(row), line(GOOD_FIRST[(i % 7) + 1])));
    first.push(line({ ...GOOD_FIRST[0], price: '999.75' }));
    writeFileSync(path.join(dir, 'a-poison.csv'), `${first.join('\n')}\n`);
    writeFileSync(path.join(dir, 'b-good.csv'), `${[HEADER, ...GOOD_SECOND.map(line)].join('\n')}\n`);
    app = await createTestApp({
      ETL_SOURCES: 'csv',
      CSV_SOURCE_DIR: dir,
      ETL_BATCH_SIZE: '5',
      ADMIN_API_KEY: ADMIN_KEY,
      DATABASE_URL: db.url,
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should load the good rows of both files and quarantine each hostile row, in one successful run', async () => {
    const summary = await run();

    const firstLines = 2 + HOSTILE.length * 2 + 1;
    expect(summary.sources.csv).toEqual({
      status: 'succeeded',
      error: null,
      // GA1..GA7 repeat between the hostile rows: same symbol and instant, so each repeat is a duplicate.
      totals: {
        extracted: firstLines + GOOD_SECOND.length,
        inserted: GOOD_FIRST.length + GOOD_SECOND.length,
        updated: 0,
        unchanged: 0,
        duplicate: firstLines - HOSTILE.length - GOOD_FIRST.length,
        quarantined: HOSTILE.length,
      },
    });
    const stored = await sql<{ symbol: string; price: string }>(
      `SELECT a.symbol, q.price_usd::text AS price FROM market_quotes q JOIN assets a ON a.id = q.asset_id
        ORDER BY a.symbol`,
    );
    expect(stored.map((s) => s.symbol)).toEqual([...GOOD_FIRST, ...GOOD_SECOND].map((r) => r.symbol).sort());
    // The later duplicate won, and the values are the ones in the file.
    expect(stored.find((s) => s.symbol === 'GA0')?.price).toBe('999.75');
    expect(stored.find((s) => s.symbol === 'GB3')?.price).toBe('203.5');
    expect(stored.find((s) => s.symbol === 'GMAX')?.price).toBe('9'.repeat(40));
    expect(stored.find((s) => s.symbol === 'GMIN')?.price).toBe(`0.${'0'.repeat(39)}1`);
  });

  it.each(HOSTILE.map(([what, row, reason], i) => [what, row.symbol, reason, 4 + i * 2] as const))(
    'should quarantine %s with its reason, file and line',
    async (_what, symbol, reason, lineNo) => {
      const res = await http().get('/quarantine?limit=100').set('x-api-key', ADMIN_KEY).expect(200);

      const entry = res.body.data.find((q: { natural_key: string }) => q.natural_key === `a-poison.csv#${lineNo}`);
      expect(entry).toBeDefined();
      expect(entry.reason).toMatch(reason);
      expect(entry.payload).toEqual(expect.objectContaining({ symbol, _file: 'a-poison.csv', _line: lineNo }));
      expect(entry.source).toBe('csv');
    },
  );

  it('should keep a payload jsonb refuses as text and serve it as received', async () => {
    const res = await http().get('/quarantine?limit=100').set('x-api-key', ADMIN_KEY).expect(200);

    const nul = res.body.data.find((q: { payload: { symbol: string } }) => q.payload.symbol === 'HNUL');
    expect(nul).toEqual(
      expect.objectContaining({
        payload_storage: 'text',
        payload: expect.objectContaining({ name: 'Bad\u0000Coin' }),
      }),
    );
    const asText = res.body.data.filter((q: { payload_storage: string }) => q.payload_storage === 'text');
    expect(asText.map((q: { payload: { symbol: string } }) => q.payload.symbol).sort()).toEqual(['HNUL', 'HNUL2']);
    expect(
      await sql(`SELECT count(*)::int AS n FROM quarantined_records
                       WHERE payload IS NULL AND payload_text IS NOT NULL`),
    ).toEqual([{ n: 2 }]);
  });

  it('should not store any part of a quarantined row (no raw payload refused, no asset, no quote)', async () => {
    const symbols = HOSTILE.map(([, r]) => r.symbol);
    expect(await sql(`SELECT symbol FROM assets WHERE symbol = ANY($1::text[])`, [symbols])).toEqual([]);
    // Raw payloads are kept for rows the envelope quarantined, never for ones the database or jsonb refused.
    const raw = await sql<{ symbol: string }>(
      `SELECT payload->>'symbol' AS symbol FROM raw_records WHERE payload->>'symbol' = ANY($1::text[]) ORDER BY 1`,
      [symbols],
    );
    const refused = ['HNUL', 'HNUL2', 'HCHECK', 'HTRAP'];
    expect(raw.map((r) => r.symbol)).toEqual(symbols.filter((s) => !refused.includes(s)).sort());
  });

  it('should succeed again on the next run without reading the poison again (the checkpoint is past it)', async () => {
    const again = await run();

    expect(again.sources.csv).toEqual({
      status: 'succeeded',
      error: null,
      totals: { extracted: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, quarantined: 0 },
    });
  });

  it('should count updates, unchanged rows and duplicates when a file changes', async () => {
    // GB1 changes; GB2 is repeated on the next line (same batch: a duplicate of a row this run saw).
    const rows = GOOD_SECOND.map((r, i) => (i === 1 ? { ...r, price: '555.5' } : r));
    const lines = [HEADER, ...rows.slice(0, 3).map(line), line(rows[2]), ...rows.slice(3).map(line)];
    writeFileSync(path.join(dir, 'b-good.csv'), `${lines.join('\n')}\n`);

    const changed = await run();

    expect(changed.sources.csv.totals).toEqual({
      extracted: GOOD_SECOND.length + 1,
      inserted: 0,
      updated: 1,
      unchanged: GOOD_SECOND.length - 1,
      duplicate: 1,
      quarantined: 0,
    });
  });

  it('should keep extracted = inserted + updated + unchanged + duplicate + quarantined per source run', async () => {
    const ledger = await sql<Record<string, number>>(
      `SELECT records_extracted::float8 AS e, records_inserted::float8 AS i, records_updated::float8 AS u, records_unchanged::float8 AS c,
              records_duplicate::float8 AS d, records_quarantined::float8 AS q
         FROM etl_source_runs ORDER BY id`,
    );

    expect(ledger).toHaveLength(3);
    for (const r of ledger) expect(r.e).toBe(r.i + r.u + r.c + r.d + r.q);
    expect(ledger.map((r) => r.d)).toEqual([runs[0].sources.csv.totals.duplicate, 0, 1]);
    for (const summary of runs) {
      const detail = (await http().get(`/runs/${summary.runId}`).expect(200)).body.data;
      const c = detail.source_runs[0].records;
      expect(c).toEqual(summary.sources.csv.totals);
      expect(detail.records).toEqual(c);
    }
  });

  it('should answer 200 on every read endpoint', async () => {
    const assets = (await http().get('/assets?limit=100').expect(200)).body.data as Array<{ id: string }>;
    expect(assets).toHaveLength(GOOD_FIRST.length + GOOD_SECOND.length);
    for (const a of assets) await http().get(`/assets/${a.id}`).expect(200);
    const compareUrl = `/runs/compare?base=${runs[0].runId}&target=${runs[2].runId}`;
    for (const p of ['/data?limit=100', '/data?sort=price:desc&limit=5', '/runs', '/stats', compareUrl]) {
      await http().get(p).expect(200);
    }
    for (const r of runs) await http().get(`/runs/${r.runId}`).expect(200);
    // Every stored price can be paged past: each next_cursor is accepted.
    for (const sort of ['price:desc', 'price:asc', 'observed_at:desc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: Array<{ id: string }>; pagination: { next_cursor: string | null } } = (
          await http()
            .get(`/data?sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
            .expect(200)
        ).body;
        seen.push(...page.data.map((r) => r.id));
        cursor = page.pagination.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(GOOD_FIRST.length + GOOD_SECOND.length);
    }
    const stats = (await http().get('/stats').expect(200)).body.data;
    const csvStats = stats.sources.find((s: { source: string }) => s.source === 'csv');
    expect(csvStats.last_run_records).toEqual(runs[2].sources.csv.totals);
    const compare = (await http().get(compareUrl).expect(200)).body.data;
    expect(compare.sources[0].records_delta.duplicate).toBe(1 - runs[0].sources.csv.totals.duplicate);
  });
});

/** RSS items, one per hostile value, between good ones; the same article in two feeds of the source. */
describe('poison news items never stall a source (RSS from a loopback feed, real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let server: Server;
  const rfc822 = (iso: string) => new Date(iso).toUTCString().replace('GMT', '+0000');
  const item = (guid: string, title: string, pubDate: string) => `<item><title><![CDATA[${title}]]></title>
    <link>https://news.example/${guid}</link><guid isPermaLink="false">${guid}</guid><pubDate>${pubDate}</pubDate>
    <description><![CDATA[<p>${title}</p>]]></description></item>`;
  const feed = (items: string[]) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
    <link>https://news.example</link><description>d</description>${items.join('')}</channel></rss>`;
  const HOSTILE_NEWS: Array<[string, string, RegExp]> = [
    [
      'far-future',
      rfc822('2100-01-01T00:00:00Z'),
      /^out of envelope: published_at: timestamp 2100-01-01T00:00:00.000Z is more than 86400 s after the run started/,
    ],
    [
      'year-1900',
      rfc822('1900-06-01T00:00:00Z'),
      /^out of envelope: published_at: timestamp 1900-06-01T00:00:00.000Z is before 2009-01-03/,
    ],
    [
      'epoch-zero',
      rfc822('1970-01-01T00:00:00Z'),
      /^out of envelope: published_at: timestamp 1970-01-01T00:00:00.000Z is before/,
    ],
  ];
  const goodAt = rfc822(new Date(Date.now() - 3_600_000).toISOString());

  beforeAll(async () => {
    db = await createTestDatabase();
    const between = HOSTILE_NEWS.flatMap(([guid, at]) => [
      item(guid, `Hostile ${guid}`, at),
      item(`good-${guid}`, 'Ether steady', goodAt),
    ]);
    const first = feed([item('good-1', 'Bitcoin steady', goodAt), ...between]);
    const second = feed([item('good-1', 'Bitcoin steady', goodAt), item('good-2', 'Solana steady', goodAt)]);
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(req.url === '/one' ? first : second);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app = await createTestApp({
      ETL_SOURCES: 'rss',
      RSS_FEED_URLS: `${base}/one,${base}/two`,
      RSS_RATE_LIMIT_PER_MIN: '6000',
      ADMIN_API_KEY: ADMIN_KEY,
      DATABASE_URL: db.url,
    });
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => server?.close(resolve));
    await db?.drop();
  });

  it('should store good items, quarantine implausible ones and count a repeated article as a duplicate', async () => {
    const summary = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['rss'] });

    const extracted = 1 + HOSTILE_NEWS.length * 2 + 2;
    expect(summary.sources.rss).toEqual({
      status: 'succeeded',
      error: null,
      totals: {
        extracted,
        inserted: 2 + HOSTILE_NEWS.length,
        updated: 0,
        unchanged: 0,
        duplicate: 1,
        quarantined: HOSTILE_NEWS.length,
      },
    });
    const res = await request(app.getHttpServer())
      .get('/quarantine?source=rss')
      .set('x-api-key', ADMIN_KEY)
      .expect(200);
    const quarantine = res.body.data as Array<{ reason: string; payload: { guid: string } }>;
    for (const [guid, , reason] of HOSTILE_NEWS) {
      expect(quarantine.find((q) => q.payload.guid === guid)?.reason).toMatch(reason);
    }
    await request(app.getHttpServer()).get('/news').expect(200);
    const again = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['rss'] });
    expect(again.sources.rss.status).toBe('succeeded');
  });
});

describe(isolateFailingUnits.name, () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ ETL_SOURCES: 'csv', DATABASE_URL: db.url });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should isolate the rows PostgreSQL refuses inside savepoints and commit every other row', async () => {
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const savepoints = app.get(RowIsolationRepository);
    const units = [
      { v: '1.5', n: '1' },
      { v: '1e999999', n: '2' },
      { v: '2.5', n: '3' },
      { v: '3.5', n: '99999999999' },
      { v: '4.5', n: '4' },
      { v: 'NaNish', n: '5' },
      { v: '5.5', n: '6' },
      { v: '6.5', n: null },
    ];
    await dataSource.query(`CREATE TABLE isolation_probe (v numeric NOT NULL, n int NOT NULL)`);

    const outcome = await dataSource.transaction(async (manager) => {
      const result = await isolateFailingUnits({
        units,
        savepoints: savepoints.savepointsOf(manager),
        write: async (subset: typeof units) => {
          await manager.query(
            `INSERT INTO isolation_probe SELECT v::numeric, n::int FROM unnest($1::text[], $2::text[]) AS t(v, n)`,
            [subset.map((u) => u.v), subset.map((u) => u.n)],
          );
          return subset.length;
        },
      });
      return result;
    });

    expect(outcome.failed.map(({ unit, error }) => [unit.v, (error as { code: string }).code])).toEqual([
      ['1e999999', '22003'],
      ['3.5', '22003'],
      ['NaNish', '22P02'],
      ['6.5', '23502'],
    ]);
    expect(await dataSource.query(`SELECT v::text, n FROM isolation_probe ORDER BY n`)).toEqual([
      { v: '1.5', n: 1 },
      { v: '2.5', n: 3 },
      { v: '4.5', n: 4 },
      { v: '5.5', n: 6 },
    ]);
    expect(outcome.results.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
