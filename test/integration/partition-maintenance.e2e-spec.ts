import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildAppConfig } from '../../src/platform/config/app-config.js';
import { SourceCountersRepository } from '../../src/catalog/counters/source-counters.repository.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import type { MetricsService } from '../../src/platform/metrics/metrics.service.js';
import { PartitionMaintenance } from '../../src/catalog/partitions/partition-maintenance.service.js';
import { PartitionsRepository } from '../../src/catalog/partitions/partitions.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ASSET = '00000000-0000-4000-8000-000000000001';

describe(PartitionMaintenance.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  const dropped: string[] = [];
  const logged: Array<Record<string, unknown>> = [];
  // Strict fake: the only metric maintenance touches.
  const metrics = { partitionDropped: (table: string) => dropped.push(table) } as unknown as MetricsService;

  const service = (env: Record<string, string> = {}) =>
    new PartitionMaintenance(
      ds,
      buildAppConfig(env),
      new PartitionsRepository(),
      metrics,
      new SourceCountersRepository(ds),
    );
  const partitions = async (table: string): Promise<string[]> =>
    (
      (await ds.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1`,
        [table],
      )) as Array<{ name: string }>
    ).map((r) => r.name);
  const insertQuote = (at: string) =>
    ds.query(
      `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash) VALUES ($1, 'csv', 'X', $2, 1, 'h')`,
      [ASSET, at],
    );
  const count = async (sql: string): Promise<number> => ((await ds.query(sql)) as Array<{ n: number }>)[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 4 })).initialize();
    await ds.query(`INSERT INTO assets (id, asset_key, symbol, name) VALUES ($1, 'a', 'AAA', 'A')`, [ASSET]);
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
      if (typeof message === 'object' && message !== null) logged.push(message as Record<string, unknown>);
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await ds?.destroy();
    await db?.drop();
  });

  beforeEach(async () => {
    dropped.length = 0;
    logged.length = 0;
    await ds.query(`DELETE FROM market_quotes`);
    await ds.query(`DELETE FROM raw_records`);
    await ds.query(`DELETE FROM raw_record_chunks`);
    for (const table of ['market_quotes', 'raw_records', 'raw_record_chunks']) {
      for (const p of await partitions(table)) if (!p.endsWith('_default')) await ds.query(`DROP TABLE "${p}"`);
    }
  });

  it('should create the partitions ahead of now at the configured interval, once, under concurrent callers', async () => {
    const sut = service({ QUOTES_PARTITION_INTERVAL: 'week' });

    await Promise.all([sut.maintain(new Date('2026-03-04T10:00:00Z')), sut.maintain(new Date('2026-03-04T10:00:00Z'))]);

    // 2026-03-02 is the Monday of that week; two weeks ahead.
    const expected = [
      'market_quotes_default',
      'market_quotes_p20260302',
      'market_quotes_p20260309',
      'market_quotes_p20260316',
    ];
    expect(await partitions('market_quotes')).toEqual(expected);
    expect(await partitions('raw_records')).toEqual(expected.map((p) => p.replace('market_quotes', 'raw_records')));
    expect(await sut.ensureCovering({ market_quotes: [new Date('2026-03-10T00:00:00Z')] })).toEqual([]);
  });

  it('should create a partition on demand for instants that have none, clipped to its neighbours, so no write fails', async () => {
    await service({ QUOTES_PARTITION_INTERVAL: 'month' }).ensureCovering({
      market_quotes: [new Date('2026-02-10T00:00:00Z')],
    });

    const created = await service({ QUOTES_PARTITION_INTERVAL: 'month' }).ensureCovering({
      market_quotes: [
        new Date('2026-01-31T23:59:59Z'),
        new Date('2026-01-01T00:00:00Z'),
        new Date('2026-02-10T00:00:00Z'),
      ],
    });
    const dayCreated = await service({ QUOTES_PARTITION_INTERVAL: 'day' }).ensureCovering({
      market_quotes: [new Date('2026-03-01T05:00:00Z')],
    });
    await insertQuote('2026-01-15T00:00:00Z');
    await insertQuote('2026-03-01T23:00:00Z');

    expect(created).toEqual(['market_quotes_p20260101']);
    expect(dayCreated).toEqual(['market_quotes_p20260301']);
    expect(
      await ds.query(
        `SELECT pg_get_expr(relpartbound, oid) AS b FROM pg_class WHERE relname = 'market_quotes_p20260301'`,
      ),
    ).toEqual([
      { b: expect.stringMatching(/FROM \('2026-03-01 00:00:00\+00'\) TO \('2026-03-02 00:00:00\+00'\)/) as unknown },
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM market_quotes_default`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM market_quotes_p20260101`)).toBe(1);
    expect(logged.filter((l) => l.partition === 'market_quotes_p20260101')).toEqual([
      {
        table: 'market_quotes',
        partition: 'market_quotes_p20260101',
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-02-01T00:00:00.000Z',
        movedFromDefault: 0,
      },
    ]);
  });

  it('should move rows the DEFAULT partition caught into their own partition, values intact', async () => {
    await insertQuote('2025-06-15T12:00:00Z');
    const before = (await ds.query(`SELECT row_to_json(q)::text AS r FROM market_quotes q`)) as unknown[];
    expect(await count(`SELECT count(*)::int AS n FROM market_quotes_default`)).toBe(1);

    await service().maintain(new Date('2026-03-04T10:00:00Z'));

    expect(await partitions('market_quotes')).toContain('market_quotes_p20250601');
    expect(await count(`SELECT count(*)::int AS n FROM market_quotes_default`)).toBe(0);
    expect(await ds.query(`SELECT row_to_json(q)::text AS r FROM market_quotes_p20250601 q`)).toEqual(before);
    expect(logged.find((l) => l.partition === 'market_quotes_p20250601')).toMatchObject({ movedFromDefault: 1 });
  });

  it("should drop only whole partitions entirely older than each table's horizon, log and count each", async () => {
    const sut = service({ QUOTES_RETENTION_DAYS: '39', RAW_RETENTION_DAYS: '10' });
    const instants = ['2026-01-10T00:00:00Z', '2026-02-10T00:00:00Z', '2026-03-01T00:00:00Z'].map((s) => new Date(s));
    await sut.ensureCovering({ market_quotes: instants, raw_records: instants });
    for (const at of instants) await insertQuote(at.toISOString());
    await new SourceCountersRepository(ds).recountNow();
    const quoteCounter = async () =>
      count(`SELECT coalesce(sum(rows), 0)::int AS n FROM source_counters WHERE table_name = 'market_quotes'`);
    expect(await quoteCounter()).toBe(await count(`SELECT count(*)::int AS n FROM market_quotes`));

    // now = 2026-03-12: quotes horizon 2026-02-01 (January, ending there, goes; with 40 days it would stay), raw horizon 2026-03-02 (January and February go).
    const gone = await sut.applyRetention(new Date('2026-03-12T00:00:00Z'));

    expect(gone).toEqual(['market_quotes_p20260101', 'raw_records_p20260101', 'raw_records_p20260201']);
    expect(await partitions('market_quotes')).toEqual([
      'market_quotes_default',
      'market_quotes_p20260201',
      'market_quotes_p20260301',
    ]);
    expect(await partitions('raw_records')).toEqual(['raw_records_default', 'raw_records_p20260301']);
    expect(await ds.query(`SELECT observed_at::text AS at FROM market_quotes ORDER BY 1`)).toEqual([
      { at: '2026-02-10 00:00:00+00' },
      { at: '2026-03-01 00:00:00+00' },
    ]);
    // The dropped partition's quotes came off the per-source counters in the drop's transaction.
    expect(await quoteCounter()).toBe(await count(`SELECT count(*)::int AS n FROM market_quotes`));
    expect(dropped).toEqual(['market_quotes', 'raw_records', 'raw_records']);
    expect(logged.filter((l) => l.retentionDays !== undefined)).toEqual([
      {
        table: 'market_quotes',
        partition: 'market_quotes_p20260101',
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-02-01T00:00:00.000Z',
        retentionDays: 39,
      },
      {
        table: 'raw_records',
        partition: 'raw_records_p20260101',
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-02-01T00:00:00.000Z',
        retentionDays: 10,
      },
      {
        table: 'raw_records',
        partition: 'raw_records_p20260201',
        from: '2026-02-01T00:00:00.000Z',
        to: '2026-03-01T00:00:00.000Z',
        retentionDays: 10,
      },
    ]);
  });

  it('should rebuild the indexes of partitions closed for a day, once, keeping them attached and the keys enforced', async () => {
    const sut = service();
    await sut.ensureCovering({ market_quotes: [new Date('2026-01-10T00:00:00Z'), new Date('2026-03-10T00:00:00Z')] });
    // Random key order within the month, as a real month arrives: half-full B-tree pages.
    await ds.query(
      `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash)
      SELECT $1, 's' || (i * 7919 % 5000), 'X', timestamptz '2026-01-01' + (i * 104729 % 5000) * interval '1 minute', i, 'h'
        FROM generate_series(1, 5000) i`,
      [ASSET],
    );
    const size = async () => count(`SELECT pg_indexes_size('market_quotes_p20260101')::int AS n`);
    const before = await size();

    const first = await sut.compactClosed(new Date('2026-03-12T00:00:00Z'));
    const second = await sut.compactClosed(new Date('2026-03-12T00:00:00Z'));

    expect(first).toEqual(['market_quotes_p20260101']); // February and March are not closed for a day
    expect(second).toEqual([]);
    expect(await size()).toBeLessThan(before);
    expect(
      await count(`SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = 'market_quotes_p20260101'::regclass AND 'fillfactor=100' = ANY(c.reloptions)`),
    ).toBe(5);
    expect(
      await count(`SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE c.relname LIKE 'market_quotes_p20260101%' AND c.relkind = 'i'`),
    ).toBe(5); // every index still attached to the parent's
    await expect(
      ds.query(`INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash)
      SELECT asset_id, source, 'X', observed_at, 1, 'h' FROM market_quotes_p20260101 LIMIT 1`),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('should compact closed raw partitions into chunks readable record by record, again after late rows, and retain them like raw', async () => {
    const sut = service({ RAW_RETENTION_DAYS: '20' });
    const insertRaw = (from: number, to: number) =>
      ds.query(
        `INSERT INTO raw_records (source, stream, natural_key, observed_at, payload, payload_hash, fetched_at, run_id)
       SELECT 'csv', 'quotes', 'f.csv#' || i, timestamptz '2026-01-01' + i * interval '10 minutes',
              jsonb_build_object('price', 12345678901234567890.123456789012345678 + i, 'name', 'Coin ' || i, 'tab', E'a\tb\nc'), 'h' || i,
              timestamptz '2026-02-01', i FROM generate_series($1::int, $2::int) i`,
        [from, to],
      );
    const records = `SELECT natural_key, observed_at, payload::text, fetched_at, run_id FROM raw_payloads ORDER BY natural_key`;
    await sut.ensureCovering({ raw_records: [new Date('2026-01-05T00:00:00Z'), new Date('2026-03-10T00:00:00Z')] });
    await insertRaw(1, 2500);
    const asRows = await ds.query(records);

    const compacted = await sut.compactClosed(new Date('2026-03-12T00:00:00Z'));

    expect(compacted).toEqual(['raw_records_p20260101', 'raw_records_p20260101']); // moved into chunks, then indexes rebuilt
    expect(await count(`SELECT count(*)::int AS n FROM raw_records`)).toBe(0);
    // Chunks of 2000 in time order: i = 1 … 2000 from 00:10, then i = 2001 … 2500 (2001 × 10 min later).
    expect(
      await ds.query(`SELECT records, observed_at::text AS at FROM raw_record_chunks ORDER BY observed_at`),
    ).toEqual([
      { records: 2000, at: '2026-01-01 00:10:00+00' },
      { records: 500, at: '2026-01-14 21:30:00+00' },
    ]);
    expect(await ds.query(records)).toEqual(asRows);
    expect(logged.find((l) => l.records !== undefined)).toMatchObject({
      table: 'raw_records',
      partition: 'raw_records_p20260101',
      records: 2500,
    });

    // A late row for the closed month lands as a row, and is compacted on the next pass.
    await insertRaw(2501, 2501);
    expect(await sut.compactClosed(new Date('2026-03-12T01:00:00Z'))).toEqual(['raw_records_p20260101']);
    expect(await count(`SELECT count(*)::int AS n FROM raw_payloads WHERE compacted`)).toBe(2501);

    // Retention drops the chunks' partitions by the raw horizon, as whole partitions.
    expect(await sut.applyRetention(new Date('2026-03-12T00:00:00Z'))).toEqual([
      'raw_records_p20260101',
      'raw_record_chunks_p20260101',
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM raw_payloads`)).toBe(0);
  });

  it('should drop nothing when no retention is configured (kept for ever)', async () => {
    const sut = service();
    await sut.ensureCovering({ market_quotes: [new Date('2000-01-10T00:00:00Z')] });

    expect(await sut.applyRetention(new Date('2026-03-12T00:00:00Z'))).toEqual([]);
    expect(await partitions('market_quotes')).toEqual(['market_quotes_default', 'market_quotes_p20000101']);
    expect(dropped).toEqual([]);
  });
});
