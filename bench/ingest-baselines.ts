import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/database-options.js';

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

/**
 * A floor, for context: COPY into a staging table, then one INSERT … SELECT … ON CONFLICT into a
 * table with the quote columns and only its primary key (no secondary index to maintain).
 */
export async function bareBaseline(url: string, file: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE TABLE baseline_quotes (symbol text NOT NULL, observed_at timestamptz NOT NULL, name text, price_usd numeric NOT NULL,
    market_cap_usd numeric, volume_24h_usd numeric, change_24h_pct numeric, rank int, PRIMARY KEY (symbol, observed_at))`);
  await c.end();
  return timed(url, file, [
    `INSERT INTO baseline_quotes
       SELECT s.symbol, s.last_updated::timestamptz, s.name, ${PRICE}::numeric, s.market_cap_usd::numeric,
              nullif(s.volume_24h_usd, 'N/A')::numeric, nullif(s.percent_change_24h, '')::numeric, s.rank::int
         FROM staging s WHERE ${PRICE} ~ '^[0-9.]+$'
     ON CONFLICT (symbol, observed_at) DO UPDATE SET price_usd = EXCLUDED.price_usd, market_cap_usd = EXCLUDED.market_cap_usd,
            volume_24h_usd = EXCLUDED.volume_24h_usd, change_24h_pct = EXCLUDED.change_24h_pct, rank = EXCLUDED.rank, name = EXCLUDED.name`,
  ]);
}

const ASSETS_FROM_STAGING = `INSERT INTO assets (id, asset_key, symbol, name, rank)
   SELECT DISTINCT ON (s.symbol) gen_random_uuid(), lower(s.symbol) || ':' || lower(s.name), s.symbol, s.name, s.rank::int
     FROM staging s ORDER BY s.symbol
 ON CONFLICT (asset_key) DO NOTHING`;

const QUOTES_FROM_STAGING = `INSERT INTO market_quotes AS q (asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd, volume_24h_usd, change_24h_pct, rank, content_hash)
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
 * The baseline: COPY into a staging table, then one INSERT … SELECT … ON CONFLICT DO UPDATE
 * into the table equivalent to the project's: `market_quotes` as the migrations define it (its
 * columns, natural key and the indexes the API reads by). The coin ids its foreign column needs
 * come from one set-based insert of the file's distinct symbols. No raw payloads, no checkpoints.
 */
export async function equivalentTableBaseline(url: string, file: string): Promise<number> {
  await migratedDatabase(url);
  return timed(url, file, [ASSETS_FROM_STAGING, QUOTES_FROM_STAGING]);
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
    QUOTES_FROM_STAGING,
  ]);
}
