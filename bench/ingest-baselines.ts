import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/platform/database/database-options.js';

const STAGING = `CREATE TEMP TABLE staging (line bigserial, symbol text, name text, price_usd text, market_cap_usd text, volume_24h_usd text,
  percent_change_24h text, rank text, last_updated text) ON COMMIT DROP`;
const COPY = `COPY staging (symbol, name, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, rank, last_updated) FROM STDIN WITH (FORMAT csv, HEADER true)`;
const PRICE = `replace(replace(s.price_usd, '$', ''), ',', '')`;

async function timed(url: string, file: string, statements: string[]): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const started = performance.now();
    await c.query('BEGIN');
    await c.query(STAGING);
    await pipeline(createReadStream(file), c.query(copyFrom(COPY)));
    for (const sql of statements) await c.query(sql);
    await c.query('COMMIT');
    return (performance.now() - started) / 1000;
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The baseline tables, in ONE place. They are built from the migrated schema's own market_quotes
// (its columns, check constraints, indexes and foreign keys, read from the catalogue), so they
// follow whatever index set the migrations give it; only the partitioning is fixed here: monthly
// range partitions on observed_at (QUOTES_PARTITION_INTERVAL's default), covering the file's range.
// A unique index that lacks the partition key gets it appended (what PostgreSQL requires of a
// partitioned table). Adjust here if the schema's partitioning changes.
// ---------------------------------------------------------------------------------------------

/** What a baseline table keeps of market_quotes: everything, or its natural key as primary key only. */
export type BaselineIndexes = 'equivalent' | 'primary-key-only';

/** The months [from, to) a baseline table's partitions cover. */
export interface BaselineRange {
  from: Date;
  to: Date;
}

const BASELINE_TABLE = 'baseline_quotes';
const NATURAL_KEY = ['asset_id', 'source', 'observed_at'];

/** The DDL statements of a baseline table, from the catalogue of a migrated database. */
export async function baselineQuotesDdl(c: Client, indexes: BaselineIndexes, range: BaselineRange): Promise<string[]> {
  const ddl = [
    `CREATE TABLE ${BASELINE_TABLE} (LIKE market_quotes INCLUDING DEFAULTS INCLUDING CONSTRAINTS${
      indexes === 'primary-key-only' ? `, PRIMARY KEY (${NATURAL_KEY.join(', ')})` : ''
    }) PARTITION BY RANGE (observed_at)`,
  ];
  const month = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  for (let m = month(range.from); m < range.to; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    const name = `${BASELINE_TABLE}_${m.toISOString().slice(0, 7).replace('-', '_')}`;
    ddl.push(
      `CREATE TABLE ${name} PARTITION OF ${BASELINE_TABLE} FOR VALUES FROM ('${m.toISOString()}') TO ('${next.toISOString()}')`,
    );
  }
  if (indexes === 'primary-key-only') return ddl;
  const { rows: defs } = await c.query<{ def: string; is_unique: boolean }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS def, i.indisunique AS is_unique FROM pg_index i
      WHERE i.indrelid = 'market_quotes'::regclass ORDER BY i.indexrelid`,
  );
  for (const [n, { def, is_unique: unique }] of defs.entries()) {
    let sql = def.replace(
      /^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+/,
      `CREATE $1INDEX ${BASELINE_TABLE}_ix${n} ON ${BASELINE_TABLE}`,
    );
    if (unique && !/\(.*\bobserved_at\b.*\)/.test(sql)) sql = sql.replace(/\)([^)]*)$/, ', observed_at)$1');
    ddl.push(sql);
  }
  const { rows: fks } = await c.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'market_quotes'::regclass AND contype = 'f' ORDER BY oid`,
  );
  for (const [n, { def }] of fks.entries()) {
    ddl.push(`ALTER TABLE ${BASELINE_TABLE} ADD CONSTRAINT ${BASELINE_TABLE}_fk${n} ${def}`);
  }
  return ddl;
}

async function createBaselineTable(url: string, indexes: BaselineIndexes, range: BaselineRange): Promise<void> {
  await migratedDatabase(url);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    for (const sql of await baselineQuotesDdl(c, indexes, range)) await c.query(sql);
  } finally {
    await c.end();
  }
}

const ASSETS_FROM_STAGING = `INSERT INTO assets (id, asset_key, symbol, name, rank)
   SELECT DISTINCT ON (s.symbol) gen_random_uuid(), lower(s.symbol) || ':' || lower(s.name), s.symbol, s.name, s.rank::int
     FROM staging s ORDER BY s.symbol
 ON CONFLICT (asset_key) DO NOTHING`;

const quotesFromStaging = (
  table: string,
) => `INSERT INTO ${table} AS q (asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd, volume_24h_usd, change_24h_pct, rank, content_hash)
   SELECT a.id, 'csv', s.symbol, s.last_updated::timestamptz, ${PRICE}::numeric, s.market_cap_usd::numeric,
          nullif(s.volume_24h_usd, 'N/A')::numeric, nullif(s.percent_change_24h, '')::numeric, s.rank::int,
          md5(concat_ws('|', s.price_usd, s.market_cap_usd, s.volume_24h_usd, s.percent_change_24h, s.rank))
     FROM staging s JOIN assets a ON a.symbol = s.symbol
    WHERE ${PRICE} ~ '^[0-9.]+$'
 ON CONFLICT (asset_id, source, observed_at) DO UPDATE SET price_usd = EXCLUDED.price_usd, market_cap_usd = EXCLUDED.market_cap_usd,
        volume_24h_usd = EXCLUDED.volume_24h_usd, change_24h_pct = EXCLUDED.change_24h_pct, rank = EXCLUDED.rank,
        content_hash = EXCLUDED.content_hash, updated_at = now()
   WHERE q.content_hash <> EXCLUDED.content_hash`;

async function migratedDatabase(url: string): Promise<void> {
  const ds = await new DataSource(buildDataSourceOptions(url, { poolSize: 1 })).initialize();
  await ds.runMigrations();
  await ds.destroy();
}

/**
 * The issue's baseline: COPY into a staging table, then one INSERT … SELECT … ON CONFLICT DO UPDATE
 * into the partitioned table equivalent to the project's (see baselineQuotesDdl: market_quotes'
 * columns, natural key, indexes and foreign key, in monthly partitions). The coin ids its foreign
 * column needs come from one set-based insert of the file's distinct symbols. No raw payloads, no
 * checkpoints.
 */
export async function equivalentTableBaseline(url: string, file: string, range: BaselineRange): Promise<number> {
  await createBaselineTable(url, 'equivalent', range);
  return timed(url, file, [ASSETS_FROM_STAGING, quotesFromStaging(BASELINE_TABLE)]);
}

/**
 * Context: the same COPY + upsert into a table with market_quotes' columns, partitioned the same
 * way, and only its natural key as primary key (no secondary index, no foreign key to maintain).
 */
export async function primaryKeyOnlyBaseline(url: string, file: string, range: BaselineRange): Promise<number> {
  await createBaselineTable(url, 'primary-key-only', range);
  return timed(url, file, [ASSETS_FROM_STAGING, quotesFromStaging(BASELINE_TABLE)]);
}

/**
 * The same writes as the ETL, done by PostgreSQL alone in one transaction: the project's own schema
 * (migrations, so the same tables and indexes), every raw row kept as jsonb, one asset and mapping
 * per symbol, and the cleaned quotes upserted into market_quotes with content hashes. What the
 * ETL adds on top (parsing in Node, drift checks, identity matching, batching with checkpoints) is
 * the difference between this and the project.
 */
export async function sameWritesBaseline(url: string, file: string): Promise<number> {
  await migratedDatabase(url);
  return timed(url, file, [
    `INSERT INTO raw_records AS r (source, stream, natural_key, observed_at, payload, payload_hash, fetched_at)
       SELECT 'csv', 'quotes', 'bench.csv#' || (s.line + 1), s.last_updated::timestamptz, to_jsonb(s) - 'line', md5(s::text), now() FROM staging s
     ON CONFLICT (source, stream, natural_key, observed_at) DO UPDATE SET payload = EXCLUDED.payload, payload_hash = EXCLUDED.payload_hash
       WHERE r.payload_hash <> EXCLUDED.payload_hash`,
    ASSETS_FROM_STAGING,
    `INSERT INTO asset_source_ids (source, source_asset_id, asset_id, match_method, confidence, symbol, name, rank)
       SELECT 'csv', a.symbol, a.id, 'new', 1, a.symbol, a.name, a.rank FROM assets a
     ON CONFLICT DO NOTHING`,
    quotesFromStaging('market_quotes'),
  ]);
}
