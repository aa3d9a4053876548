import { DataSource } from 'typeorm';
import { InitialSchema1764201600000 } from '../../migrations/1764201600000-InitialSchema.js';
import { IdentityEvidence1764300000006 } from '../../migrations/1764300000006-IdentityEvidence.js';
import { assetIdFor } from '../../src/catalog/asset-naming.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Migration IdentityEvidence on data written by the previous matcher. */
describe(IdentityEvidence1764300000006.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    dataSource = await new DataSource({ ...buildDataSourceOptions(db.url), migrations: [] }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should split a second automatic id of one source out to a review asset, with its quotes, and backfill evidence', async () => {
    const runner = dataSource.createQueryRunner();
    await new InitialSchema1764201600000().up(runner);
    const qux = assetIdFor('qux:qux');
    await runner.query(`INSERT INTO assets (id, asset_key, symbol, name) VALUES ($1, 'qux:qux', 'QUX', 'Qux')`, [qux]);
    await runner.query(
      `INSERT INTO asset_source_ids (source, source_asset_id, asset_id, match_method, confidence, symbol, name, created_at) VALUES
         ('coingecko', 'qux', $1, 'new', 1, 'QUX', 'Qux', '2026-01-01'),
         ('coingecko', 'qux-bsc', $1, 'symbol_name', 1, 'QUX', 'Qux', '2026-02-01'),
         ('coinpaprika', 'qux-qux', $1, 'crosswalk', 0.98, 'QUX', 'Qux', '2026-01-02')`,
      [qux],
    );
    await runner.query(
      `INSERT INTO market_quotes (asset_id, source, source_asset_id, observed_at, price_usd, content_hash) VALUES
         ($1, 'coingecko', 'qux', '2026-03-01T00:00:00Z', 2, 'a'), ($1, 'coingecko', 'qux-bsc', '2026-03-01T00:05:00Z', 2.1, 'b')`,
      [qux],
    );

    await new IdentityEvidence1764300000006().up(runner);

    const split = assetIdFor('qux:~coingecko:qux-bsc');
    expect(
      await runner.query(
        `SELECT source, source_asset_id, asset_id, match_symbol, evidence FROM asset_source_ids ORDER BY 1, 2`,
      ),
    ).toEqual([
      {
        source: 'coingecko',
        source_asset_id: 'qux',
        asset_id: qux,
        match_symbol: 'QUX',
        evidence: { name: 'Qux', crosswalkKey: 'qux:qux' },
      },
      {
        source: 'coingecko',
        source_asset_id: 'qux-bsc',
        asset_id: split,
        match_symbol: 'QUX',
        evidence: { name: 'Qux', crosswalkKey: 'qux:quxbsc' },
      },
      {
        source: 'coinpaprika',
        source_asset_id: 'qux-qux',
        asset_id: qux,
        match_symbol: 'QUX',
        evidence: { name: 'Qux', crosswalkKey: 'qux:qux' },
      },
    ]);
    expect(await runner.query(`SELECT source_asset_id, asset_id FROM market_quotes ORDER BY 1`)).toEqual([
      { source_asset_id: 'qux', asset_id: qux },
      { source_asset_id: 'qux-bsc', asset_id: split },
    ]);
    expect(await runner.query(`SELECT asset_key, needs_review FROM assets ORDER BY 1`)).toEqual([
      { asset_key: 'qux:qux', needs_review: false },
      { asset_key: 'qux:~coingecko:qux-bsc', needs_review: true },
    ]);
    await runner.release();
  });
});
