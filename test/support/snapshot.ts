import { Client } from 'pg';

/**
 * The business content of the database, without surrogate ids, timestamps or run ids: two databases
 * with equal snapshots hold the same data. Used to compare a chaotic run with a clean one.
 */
export async function snapshotTables(url: string): Promise<Record<string, unknown[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows as unknown[];
    return {
      assets: await q(`SELECT id, asset_key, symbol, name, rank, needs_review FROM assets ORDER BY asset_key`),
      asset_source_ids: await q(
        `SELECT source, source_asset_id, asset_id, match_method, confidence FROM asset_source_ids ORDER BY source, source_asset_id`,
      ),
      market_quotes: await q(
        `SELECT asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd, volume_24h_usd, content_hash FROM market_quotes ORDER BY asset_id, source, observed_at`,
      ),
      news_items: await q(
        `SELECT source, dedupe_key, title, link, published_at, content_hash FROM news_items ORDER BY source, dedupe_key`,
      ),
      raw_records: await q(
        `SELECT source, stream, natural_key, payload_hash FROM raw_records ORDER BY source, stream, natural_key`,
      ),
      quarantined_records: await q(
        `SELECT source, stream, natural_key, payload_hash, reason FROM quarantined_records ORDER BY source, stream, payload_hash`,
      ),
      etl_checkpoints: await q(`SELECT source, stream, cursor FROM etl_checkpoints ORDER BY source, stream`),
    };
  } finally {
    await client.end();
  }
}

export async function countDuplicates(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM market_quotes GROUP BY asset_id, source, observed_at HAVING count(*) > 1) d`,
    );
    return (rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
}
