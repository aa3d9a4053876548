import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { PartitionedQuotesAndRaw1764300000020 } from '../../migrations/1764300000020-PartitionedQuotesAndRaw.js';
import { RawRecordChunks1764300000021 } from '../../migrations/1764300000021-RawRecordChunks.js';
import { SourceCountersRepository } from '../../src/catalog/counters/source-counters.repository.js';
import { buildAppConfig } from '../../src/platform/config/app-config.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { runMigrationsLocked } from '../../src/platform/database/migration-runner.js';
import type { MetricsService } from '../../src/platform/metrics/metrics.service.js';
import { PartitionMaintenance } from '../../src/catalog/partitions/partition-maintenance.service.js';
import { PartitionsRepository } from '../../src/catalog/partitions/partitions.repository.js';
import { createTestDatabase, quiet, type TestDatabase } from '../support/database.js';

const ASSET = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

/** Every stored value of both tables, in a stable order (raw without its surrogate id). */
const QUOTES_SQL = `SELECT row_to_json(q)::text AS r FROM (SELECT * FROM market_quotes ORDER BY id) q`;
const RAW_SQL = `SELECT row_to_json(r)::text AS r FROM (SELECT source, stream, natural_key, payload, payload_hash, fetched_at, run_id
                   FROM raw_records ORDER BY natural_key) r`;

describe(PartitionedQuotesAndRaw1764300000020.name, () => {
  let db: TestDatabase;
  let ds: DataSource;

  const options = (migrations: DataSourceOptions['migrations']): DataSourceOptions => ({
    ...buildDataSourceOptions(db.url, { poolSize: 2 }),
    migrations,
  });
  const rows = async (sql: string): Promise<string[]> =>
    ((await ds.query(sql)) as Array<{ r: string }>).map((x) => x.r);
  const relkind = async (table: string): Promise<string> =>
    ((await ds.query(`SELECT relkind::text AS k FROM pg_class WHERE relname = $1`, [table])) as Array<{ k: string }>)[0]
      .k;
  const insertQuote = (assetId: string, at: string) =>
    ds.query(
      `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash) VALUES ($1, 'csv', 'X', $2, 1, 'h')`,
      [assetId, at],
    );

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    // The schema as it was before the migration, with rows in it.
    const before = await new DataSource(
      options(MIGRATIONS.slice(0, MIGRATIONS.indexOf(PartitionedQuotesAndRaw1764300000020))),
    ).initialize();
    await runMigrationsLocked(before, quiet);
    await before.query(
      `INSERT INTO assets (id, asset_key, symbol, name) VALUES ($1, 'a', 'AAA', 'A'), ($2, 'b', 'BBB', 'B')`,
      [ASSET, OTHER],
    );
    await before.query(
      `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd, content_hash, run_id, provenance)
       SELECT CASE WHEN i % 2 = 0 THEN $1::uuid ELSE $2::uuid END, 'csv', 'X' || i, timestamptz '2025-11-20T00:00:00Z' + i * interval '7 hours',
              (i * 1.25)::numeric, CASE WHEN i % 3 = 0 THEN NULL ELSE 123456789012345678901234567890.123456789 END, 'h' || i, i,
              CASE WHEN i % 5 = 0 THEN 'backfill' ELSE 'incremental' END
         FROM generate_series(1, 300) i`,
      [ASSET, OTHER],
    );
    await before.query(
      `INSERT INTO raw_records (source, stream, natural_key, payload, payload_hash, fetched_at, run_id)
       SELECT 'csv', 'quotes', 'f.csv#' || i, jsonb_build_object('price', '1.' || i, 'n', i), 'p' || i,
              timestamptz '2025-12-30T00:00:00Z' + i * interval '1 hour', i FROM generate_series(1, 100) i`,
    );
    await before.destroy();
    // Up to this migration, so undoLastMigration reverts it.
    ds = await new DataSource(
      options(MIGRATIONS.slice(0, MIGRATIONS.indexOf(PartitionedQuotesAndRaw1764300000020) + 1)),
    ).initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should move every row into monthly partitions and back with identical values and working constraints', async () => {
    // Arrange
    const quotesBefore = await rows(QUOTES_SQL);
    const rawBefore = await rows(RAW_SQL);
    expect(quotesBefore).toHaveLength(300);

    // Act: up
    expect(await runMigrationsLocked(ds, quiet)).toEqual([PartitionedQuotesAndRaw1764300000020.name]);

    // Assert: same rows, now partitioned by month (Nov 2025 – Feb 2026 for quotes) plus the DEFAULT partition
    expect(await rows(QUOTES_SQL)).toEqual(quotesBefore);
    expect(await rows(RAW_SQL)).toEqual(rawBefore);
    expect(await relkind('market_quotes')).toBe('p');
    expect(await relkind('raw_records')).toBe('p');
    const partitions = (await ds.query(
      `SELECT c.relname AS name, count(*) OVER () AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'market_quotes'::regclass ORDER BY 1`,
    )) as Array<{ name: string }>;
    expect(partitions.map((p) => p.name)).toEqual([
      'market_quotes_default',
      'market_quotes_p20251101',
      'market_quotes_p20251201',
      'market_quotes_p20260101',
      'market_quotes_p20260201',
    ]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM ONLY market_quotes_default`)).toEqual([{ n: 0 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM market_quotes_p20251201`)).toEqual([{ n: 106 }]); // i = 38 … 143: 2025-12-01 ≤ 2025-11-20 + 7 h × i < 2026-01-01
    // Every unique key holds the partition key and the asset (shardable by asset, e.g. on Citus).
    const uniqueKeys = (await ds.query(
      `SELECT c.relname AS name, array_agg(a.attname::text ORDER BY a.attname) AS columns
         FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY (x.indkey)
        WHERE x.indrelid = 'market_quotes'::regclass AND x.indisunique GROUP BY c.relname ORDER BY 1`,
    )) as Array<{ name: string; columns: string[] }>;
    expect(uniqueKeys.map((k) => k.name)).toEqual(['pk_market_quotes', 'uq_market_quotes_asset_source_observed']);
    for (const key of uniqueKeys) expect(key.columns).toEqual(expect.arrayContaining(['asset_id', 'observed_at']));
    // Constraints after up: the natural key, the asset's foreign key, its cascade.
    await expect(insertQuote(ASSET, '2025-11-20T14:00:00Z')).rejects.toMatchObject({ code: '23505' });
    await expect(insertQuote('00000000-0000-4000-8000-00000000dead', '2025-11-20T14:00:00Z')).rejects.toMatchObject({
      code: '23503',
    });
    const nextId = (
      (await ds.query(
        `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash)
      VALUES ($1, 'csv', 'X', '2030-01-01T00:00:00Z', 1, 'h') RETURNING id`,
        [OTHER],
      )) as Array<{ id: string }>
    )[0].id;
    expect(Number(nextId)).toBeGreaterThan(300);
    await ds.query(`DELETE FROM market_quotes WHERE id = $1`, [nextId]);

    // Act: down
    await ds.undoLastMigration();

    // Assert: plain tables again, same rows, same constraints
    expect(await relkind('market_quotes')).toBe('r');
    expect(await relkind('raw_records')).toBe('r');
    expect(await rows(QUOTES_SQL)).toEqual(quotesBefore);
    expect(await rows(RAW_SQL)).toEqual(rawBefore);
    await expect(insertQuote(ASSET, '2025-11-20T14:00:00Z')).rejects.toMatchObject({ code: '23505' });
    await expect(insertQuote('00000000-0000-4000-8000-00000000dead', '2025-11-20T14:00:00Z')).rejects.toMatchObject({
      code: '23503',
    });
    await ds.query(`DELETE FROM assets WHERE id = $1`, [OTHER]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM market_quotes`)).toEqual([{ n: 150 }]);
    await expect(
      ds.query(`INSERT INTO raw_records (source, stream, natural_key, payload, payload_hash, fetched_at)
      VALUES ('csv', 'quotes', 'f.csv#1', '{}', 'x', now())`),
    ).rejects.toMatchObject({ code: '23505' });

    // And up again on the reverted database (the cascade deleted half the quotes): still lossless.
    const quotesReverted = await rows(QUOTES_SQL);
    expect(await runMigrationsLocked(ds, quiet)).toEqual([PartitionedQuotesAndRaw1764300000020.name]);
    expect(await rows(QUOTES_SQL)).toEqual(quotesReverted);
    await ds.query(`DELETE FROM assets WHERE id = $1`, [ASSET]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM market_quotes`)).toEqual([{ n: 0 }]);
  });
});

describe(RawRecordChunks1764300000021.name, () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 2 })).initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should put compacted payloads back as rows when reverted, so nothing is lost', async () => {
    // Arrange: a closed month of raw rows, compacted into chunks.
    const maintenance = new PartitionMaintenance(
      ds,
      buildAppConfig({}),
      new PartitionsRepository(),
      {} as MetricsService,
      new SourceCountersRepository(ds),
    );
    await maintenance.ensureCovering({ raw_records: [new Date('2026-01-05T00:00:00Z')] });
    await ds.query(`INSERT INTO raw_records (source, stream, natural_key, observed_at, payload, payload_hash, fetched_at, run_id)
      SELECT 'csv', 'quotes', 'f.csv#' || i, timestamptz '2026-01-01' + i * interval '1 minute', jsonb_build_object('p', 1.000000000000000000001 * i), 'h' || i,
             timestamptz '2026-02-01', i FROM generate_series(1, 3000) i`);
    const records = `SELECT natural_key, observed_at, payload::text, fetched_at, run_id FROM raw_records ORDER BY natural_key`;
    const before = (await ds.query(records)) as unknown[];
    await maintenance.compactClosed(new Date('2026-03-01T00:00:00Z'));
    expect(await ds.query(`SELECT count(*)::int AS n FROM raw_records`)).toEqual([{ n: 0 }]);

    // Act: revert the migrations that came after it, then it
    const last = async () =>
      (
        (await ds.query(`SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1`)) as Array<{
          name: string;
        }>
      )[0].name;
    while ((await last()) !== RawRecordChunks1764300000021.name) await ds.undoLastMigration();
    await ds.undoLastMigration();

    // Assert
    expect(await ds.query(records)).toEqual(before);
    expect(await ds.query(`SELECT to_regclass('raw_record_chunks') AS t, to_regclass('raw_payloads') AS v`)).toEqual([
      { t: null, v: null },
    ]);
  });
});
