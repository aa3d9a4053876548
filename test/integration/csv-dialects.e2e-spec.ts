import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { EtlRunner, type RunSummary } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ADMIN_KEY = 'csv-dialects-admin-key-0123456789';

/** Each file of the drop folder, as an exporter in another locale or tool writes it. */
const FILES: Record<string, string[]> = {
  // Semicolons, decimal commas with dot thousands, day-first dates (13/04 settles 03/04).
  'semicolon.csv': [
    'symbol;name;price_usd;market_cap_usd;last_updated',
    'BTC;Bitcoin;96.518,50;1.916.585.996.993;13/04/2025',
    'ETH;Ethereum;2,75;1.234;03/04/2025',
  ],
  // Tabs, decimal points with comma thousands (1,234.50 settles 1,234), month-first dates (04/13 settles 03/04).
  'tabs.csv': [
    'ticker\tname\tprice\tmarket_cap\tdate',
    'SOL\tSolana\t"1,234.50"\t1,234\t04/13/2025',
    'XRP\tXRP\t2.19\t5\t03/04/2025',
  ],
  // Commas, so a decimal comma value is quoted.
  'quoted-commas.csv': [
    'symbol,name,price_usd,volume_24h_usd,last_updated',
    'ADA,Cardano,"0,6987","1.200.000",2025-05-02',
    'DOT,Polkadot,"1,234",5,2025-05-02',
  ],
  // Nothing settles the decimal mark or the date order: the values with two readings are quarantined.
  'undecidable.csv': [
    'symbol,name,price_usd,last_updated',
    'LINK,Chainlink,"1,234",2025-05-02',
    'AVAX,Avalanche,21,03/04/2025',
    'DOGE,Dogecoin,12,2025-05-02',
  ],
  // Both decimal marks: each unambiguous value reads as itself, the ambiguous one is quarantined.
  'mixed.csv': [
    'symbol,name,price_usd,last_updated',
    'BCH,Bitcoin Cash,"2,75",2025-05-02',
    'LTC,Litecoin,1.5,2025-05-02',
    'XLM,Stellar,"1,234",2025-05-02',
  ],
  // An unquoted decimal comma shifts the columns; a short row misses one.
  'width.csv': [
    'symbol,name,price_usd,market_cap_usd,last_updated',
    'BNB,BNB,600,2,75,2025-05-02',
    'TRX,Tron,0.25,2025-05-02',
    'ATOM,Cosmos,4.5,100,2025-05-02',
  ],
  // A delimiter no reader knows: the header cannot be read.
  'pipes.csv': ['symbol|name|price_usd|last_updated', 'XMR|Monero|300|2025-05-02'],
  // Declared in CSV_DIALECTS (declared-*.csv): semicolons, decimal commas, day first.
  'declared-eu.csv': ['symbol;name;price_usd;last_updated', 'TON;Toncoin;0,25;01/02/2025', 'NEAR;Near;1.5;01/02/2025'],
  // One ticker, two coins; and an id column keying its rows.
  'same-ticker.csv': [
    'symbol,name,price_usd,last_updated',
    'UNI,Uniswap,5.5,2025-05-02',
    'UNI,Unicorn Token,0.01,2025-05-02',
  ],
  'with-ids.csv': [
    'coin_id,symbol,name,price_usd,last_updated',
    'pepe-eth,PEPE,Pepe,0.00001,2025-05-02',
    'pepe-sol,PEPE,Pepe (Solana),0.00002,2025-05-02',
  ],
};

describe('CSV dialects end to end (real drop folder, real ETL, real PostgreSQL, the HTTP API)', () => {
  let dir: string;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let first: RunSummary;
  const http = () => request(app.getHttpServer());
  const run = () => app.get(EtlRunner).run({ trigger: 'manual', sources: ['csv'] });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kasparro-csv-dialects-'));
    for (const [file, lines] of Object.entries(FILES)) writeFileSync(path.join(dir, file), lines.join('\n') + '\n');
    db = await createTestDatabase();
    app = await createTestApp({
      DATABASE_URL: db.url,
      ADMIN_API_KEY: ADMIN_KEY,
      ETL_SOURCES: 'csv',
      CSV_SOURCE_DIR: dir,
      CSV_DIALECTS: 'declared-*.csv:delimiter=semicolon,decimal=comma,dates=dmy',
    });
    first = await run();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function stored(): Promise<Record<string, Record<string, unknown>>> {
    const { data } = (await http().get('/data?source=csv&limit=1000').expect(200)).body as {
      data: Array<Record<string, any>>;
    };
    return Object.fromEntries(data.map((r) => [`${r.asset.symbol}/${r.source_asset_id}`, r]));
  }

  async function quarantined(): Promise<Record<string, string>> {
    const { data } = (await http().get('/quarantine?source=csv&limit=1000').set('x-api-key', ADMIN_KEY).expect(200))
      .body as { data: Array<{ natural_key: string; reason: string }> };
    return Object.fromEntries(data.map((q) => [q.natural_key, q.reason]));
  }

  it.each([
    ['BTC/BTC:bitcoin', '96518.50', '1916585996993', '2025-04-13'],
    ['ETH/ETH:ethereum', '2.75', '1234', '2025-04-03'],
    ['SOL/SOL:solana', '1234.50', '1234', '2025-04-13'],
    ['XRP/XRP:xrp', '2.19', '5', '2025-03-04'],
    ['ADA/ADA:cardano', '0.6987', null, '2025-05-02'],
    ['DOT/DOT:polkadot', '1.234', null, '2025-05-02'],
    ['DOGE/DOGE:dogecoin', '12', null, '2025-05-02'],
    ['BCH/BCH:bitcoin-cash', '2.75', null, '2025-05-02'],
    ['LTC/LTC:litecoin', '1.5', null, '2025-05-02'],
    ['ATOM/ATOM:cosmos', '4.5', '100', '2025-05-02'],
    ['TON/TON:toncoin', '0.25', null, '2025-02-01'],
  ])('should store %s at its real value, never re-scaled (%s)', async (key, price, cap, day) => {
    const row = (await stored())[key];
    expect(row && { price: row.price_usd, cap: row.market_cap_usd, day: String(row.observed_at).slice(0, 10) }).toEqual(
      { price, cap, day },
    );
  });

  it('should store the volume of a quoted decimal-comma file with its dot thousands', async () => {
    expect((await stored())['ADA/ADA:cardano'].volume_24h_usd).toBe('1200000');
  });

  it.each([
    [
      'undecidable.csv#2',
      /^price_usd: ambiguous number "1,234": .*neither declared \(CSV_DIALECTS decimal=point\|comma\) nor settled/,
    ],
    [
      'undecidable.csv#3',
      /^observed_at: ambiguous date "03\/04\/2025": .*neither declared \(CSV_DIALECTS dates=dmy\|mdy\) nor settled by a date with a day above 12/,
    ],
    ['mixed.csv#4', /^price_usd: ambiguous number "1,234": .*this file mixes decimal points and decimal commas/],
    [
      'width.csv#2',
      /^line 2 has 6 fields, the header has 5: its values cannot be matched to columns \(a value holding a comma must be quoted\)$/,
    ],
    ['width.csv#3', /^line 3 has 4 fields, the header has 5: its values cannot be matched to columns$/],
    [
      'pipes.csv#header',
      /^pipes\.csv: header cannot be read: no delimiter \(comma, semicolon, tab\) splits "symbol\|name\|price_usd\|last_updated" .*; its 1 other line\(s\) were not read$/,
    ],
    ['declared-eu.csv#3', /^price_usd: not a number in this file's decimal comma format: "1.5"$/],
  ])('should quarantine %s with the reason', async (naturalKey, reason) => {
    expect((await quarantined())[naturalKey]).toMatch(reason);
  });

  it('should quarantine exactly those rows and load every other one, the counts adding up', async () => {
    expect(Object.keys(await quarantined()).sort()).toEqual([
      'declared-eu.csv#3',
      'mixed.csv#4',
      'pipes.csv#header',
      'undecidable.csv#2',
      'undecidable.csv#3',
      'width.csv#2',
      'width.csv#3',
    ]);
    expect(first.sources.csv).toMatchObject({
      status: 'succeeded',
      totals: { extracted: 22, inserted: 15, quarantined: 7 },
    });
    expect(Object.keys(await stored())).toHaveLength(15);
  });

  it('should never read the semicolon file as one column ("required field price_usd missing")', async () => {
    expect(Object.values(await quarantined()).filter((r) => /required field/.test(r))).toEqual([]);
  });

  it('should make two coins of two rows with one ticker and different names', async () => {
    const rows = await stored();
    const uniswap = rows['UNI/UNI:uniswap'];
    const unicorn = rows['UNI/UNI:unicorn-token'];
    expect([uniswap?.price_usd, unicorn?.price_usd]).toEqual(['5.5', '0.01']);
    expect((uniswap.asset as { id: string }).id).not.toBe((unicorn.asset as { id: string }).id);
    expect([(uniswap.asset as { name: string }).name, (unicorn.asset as { name: string }).name]).toEqual([
      'Uniswap',
      'Unicorn Token',
    ]);
  });

  it('should key rows by the id column when the file has one', async () => {
    const rows = await stored();
    expect([rows['PEPE/pepe-eth']?.price_usd, rows['PEPE/pepe-sol']?.price_usd]).toEqual(['0.00001', '0.00002']);
  });

  it('should read nothing again on the next run, and land a later row of a known coin on that coin', async () => {
    const again = await run();
    expect(again.sources.csv.totals).toMatchObject({ extracted: 0 });
    const before = await stored();
    writeFileSync(
      path.join(dir, 'later.csv'),
      'symbol,name,price_usd,last_updated\nUNI,unicorn  token,0.02,2025-05-03\n',
    );
    const later = await run();
    expect(later.sources.csv.totals).toMatchObject({ extracted: 1, inserted: 1 });
    const { data } = (await http().get('/data?source=csv&symbol=UNI&limit=100').expect(200)).body as {
      data: Array<Record<string, any>>;
    };
    const newest = data.find((r) => r.price_usd === '0.02');
    expect(newest && [newest.source_asset_id, newest.asset.id]).toEqual([
      'UNI:unicorn-token',
      (before['UNI/UNI:unicorn-token'].asset as { id: string }).id,
    ]);
  });
});

describe('CSV dialects across a crash (the first pass runs again on resume)', () => {
  it('should resume a file settled only by its last row with the same reading, no gap and no duplicate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kasparro-csv-resume-'));
    // Rows 2-9: `1.23N` and 01/02/2025 have two readings each; only the last row (0,5 and 31/12/2025)
    // settles the file: decimal comma (1.230 is 1230) and day first (2025-02-01).
    const rows = Array.from({ length: 8 }, (_, i) => `C${i};Coin ${i};1.23${i};01/02/2025`);
    writeFileSync(
      path.join(dir, 'eu.csv'),
      ['symbol;name;price_usd;last_updated', ...rows, 'LAST;Last;0,5;31/12/2025'].join('\n') + '\n',
    );
    const db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir, ETL_BATCH_SIZE: '2' };
    const runs: RunSummary[] = [];
    try {
      for (const extra of [{ ETL_FAILURE_INJECTION: 'csv:after=3' }, {}, {}]) {
        const app = await createTestApp({ ...env, ...extra });
        try {
          runs.push(await app.get(EtlRunner).run({ trigger: 'manual', sources: ['csv'] }));
          if (runs.length === 3) {
            const { data } = (await request(app.getHttpServer()).get('/data?source=csv&limit=100').expect(200))
              .body as { data: Array<Record<string, any>> };
            const seen = data
              .map((r) => `${r.asset.symbol}=${r.price_usd}@${String(r.observed_at).slice(0, 10)}`)
              .sort();
            const expected = [...rows.map((_, i) => `C${i}=123${i}@2025-02-01`), 'LAST=0.5@2025-12-31'].sort();
            expect(seen).toEqual(expected);
          }
        } finally {
          await app.close();
        }
      }
      expect(runs.map((r) => r.sources.csv.status)).toEqual(['failed', 'succeeded', 'succeeded']);
      expect(runs.map((r) => r.sources.csv.totals.extracted)).toEqual([2, 7, 0]);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
