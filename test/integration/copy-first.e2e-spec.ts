import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { CopyFirstPolicy, copyLine, tryCopyInto, type Cell, type CopyText } from '../../src/etl/load/copy-rows.js';
import {
  MarketQuotesRepository,
  quoteCopyLine,
  type QuoteValues,
} from '../../src/etl/load/market-quotes.repository.js';
import { RawRecordRepository, rawCopyText, type RawRow } from '../../src/etl/raw/raw-record.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** COPY straight into the tables, with the staging upsert as the fallback, on a real PostgreSQL. */
describe('COPY-first writes', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let assetId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 2 })).initialize();
    assetId = randomUUID();
    await ds.query(`INSERT INTO assets (id, asset_key, symbol, name) VALUES ($1, 'tst:test', 'TST', 'Test')`, [
      assetId,
    ]);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const raw = (key: string, payload: object): RawRow => {
    const payloadJson = JSON.stringify(payload);
    return {
      source: 'cf',
      stream: 's',
      naturalKey: key,
      payloadJson,
      payloadHash: `h:${payloadJson}`,
      fetchedAt: new Date('2026-01-01T00:00:00Z'),
      observedAt: new Date('2026-01-01T00:00:00Z'),
    };
  };
  const AT = new Date('2026-01-01T00:00:00Z');
  const toCopyText = (rows: Cell[][]): CopyText => ({ rows: rows.length, text: rows.map(copyLine).join('') });
  const quoteValues = (hour: number, price: string): QuoteValues => ({
    sourceAssetId: 'TST',
    observedAt: new Date(Date.UTC(2026, 0, 1, hour)),
    priceUsd: price,
    marketCapUsd: null,
    volume24hUsd: null,
    change24hPct: null,
    rank: 1,
    circulatingSupply: null,
    totalSupply: null,
    maxSupply: null,
  });
  const quotes = (runId: string, ...prices: string[]): CopyText => ({
    rows: prices.length,
    text: prices
      .map((price, hour) =>
        quoteCopyLine({ assetId, source: 'cf', quote: quoteValues(hour, price), contentHash: `c:${price}`, runId }),
      )
      .join(''),
  });

  it('should copy new rows straight in and report false, leaving the transaction usable, when a key exists', async () => {
    const copied = await ds.transaction(async (m) => {
      const first = await tryCopyInto(m, {
        table: 'raw_records',
        columns: ['source', 'stream', 'natural_key', 'observed_at', 'payload', 'payload_hash', 'fetched_at'],
        data: toCopyText([
          ['cf', 't', 'k1', AT, '{"a":1}', 'h1', new Date()],
          ['cf', 't', 'k2', AT, '{"a":2}', 'h2', new Date()],
        ]),
      });
      // Many rows after the conflicting one: the server stops the COPY early, nothing is left to send.
      const rows = [
        ['cf', 't', 'k2', AT, '{"a":2}', 'h2', new Date()],
        ...Array.from({ length: 3000 }, (_, i) => ['cf', 't', `n${i}`, AT, '{}', 'h', new Date()]),
      ];
      const second = await tryCopyInto(m, {
        table: 'raw_records',
        columns: ['source', 'stream', 'natural_key', 'observed_at', 'payload', 'payload_hash', 'fetched_at'],
        data: toCopyText(rows),
      });
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM raw_records WHERE stream = 't'`)) as Array<{
        n: number;
      }>;
      return { first, second, n };
    });
    expect(copied).toEqual({ first: true, second: false, n: 2 });
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM raw_records WHERE stream = 't'`)) as Array<{
      n: number;
    }>;
    expect(n).toBe(2);
  });

  it('should let any error other than a unique violation fail the transaction', async () => {
    await expect(
      ds.transaction((m) =>
        tryCopyInto(m, {
          table: 'raw_records',
          columns: ['source', 'stream', 'natural_key', 'observed_at', 'payload', 'payload_hash', 'fetched_at'],
          data: toCopyText([['cf', 'u', 'k1', AT, 'not json', 'h1', new Date()]]),
        }),
      ),
    ).rejects.toMatchObject({ code: '22P02' });
    expect(await ds.query(`SELECT 1 FROM raw_records WHERE stream = 'u'`)).toEqual([]);
  });

  it('should keep raw payloads and quotes the same whichever path writes them', async () => {
    const repoRaw = new RawRecordRepository();
    const repoQuotes = new MarketQuotesRepository();
    const policy = { raw: new CopyFirstPolicy(), quotes: new CopyFirstPolicy() };
    const runId = '7';

    const fresh = await ds.transaction(async (m) => {
      await repoRaw.upsertRaw(m, rawCopyText([raw('a', { p: 1 }), raw('b', { p: 2 })], runId), policy.raw);
      return repoQuotes.upsertQuotes(m, quotes(runId, '1', '2'), policy.quotes);
    });
    expect(fresh).toEqual({ inserted: 2, updated: 0, unchanged: 0, duplicate: 0 });

    // A later run: existing keys (one changed, one not) plus a new one: the COPY conflicts, the upsert merges.
    const mixed = await ds.transaction(async (m) => {
      await repoRaw.upsertRaw(
        m,
        rawCopyText([raw('a', { p: 1 }), raw('b', { p: 20 }), raw('c', { p: 3 })], '8'),
        policy.raw,
      );
      return repoQuotes.upsertQuotes(m, quotes('8', '1', '20', '3'), policy.quotes);
    });
    expect(mixed).toEqual({ inserted: 1, updated: 1, unchanged: 1, duplicate: 0 });

    expect(
      await ds.query(
        `SELECT natural_key, payload, run_id FROM raw_records WHERE source = 'cf' AND stream = 's' ORDER BY natural_key`,
      ),
    ).toEqual([
      { natural_key: 'a', payload: { p: 1 }, run_id: '7' },
      { natural_key: 'b', payload: { p: 20 }, run_id: '8' },
      { natural_key: 'c', payload: { p: 3 }, run_id: '8' },
    ]);
    expect(
      await ds.query(`SELECT price_usd, run_id FROM market_quotes WHERE source = 'cf' ORDER BY observed_at`),
    ).toEqual([
      { price_usd: '1', run_id: '7' },
      { price_usd: '20', run_id: '8' },
      { price_usd: '3', run_id: '8' },
    ]);
  });

  it('should count a key the same run already wrote as a duplicate, changed or not, and keep the later row', async () => {
    // Run 8 wrote hours 1 and 2 above; hour 0 was last written by run 7.
    const again = await ds.transaction((m) =>
      new MarketQuotesRepository().upsertQuotes(m, quotes('8', '1', '21', '3', '4')),
    );

    expect(again).toEqual({ inserted: 1, updated: 0, unchanged: 1, duplicate: 2 });
    expect(
      await ds.query(`SELECT price_usd, run_id FROM market_quotes WHERE source = 'cf' ORDER BY observed_at`),
    ).toEqual([
      { price_usd: '1', run_id: '7' },
      { price_usd: '21', run_id: '8' },
      { price_usd: '3', run_id: '8' },
      { price_usd: '4', run_id: '8' },
    ]);
  });
});
