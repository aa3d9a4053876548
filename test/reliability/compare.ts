import { Client } from 'pg';

/**
 * What two databases must agree on after the same input, whatever crashed in between: the stored
 * observations, raw payloads, news, quarantine, and which source ids were grouped into one asset.
 * (Surrogate ids, timestamps and run ids legitimately differ.)
 */
export async function businessContent(url: string): Promise<Record<string, string[]>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const list = async (sql: string) => ((await c.query(sql)).rows as Array<{ k: string }>).map((r) => r.k);
    return {
      quotes: await list(
        `SELECT source || '|' || source_asset_id || '|' || observed_at::text || '|' || price_usd::text || '|' || content_hash AS k FROM market_quotes ORDER BY 1`,
      ),
      raw: await list(
        `SELECT source || '|' || stream || '|' || natural_key || '|' || payload_hash AS k FROM raw_records ORDER BY 1`,
      ),
      news: await list(`SELECT source || '|' || dedupe_key || '|' || content_hash AS k FROM news_items ORDER BY 1`),
      quarantine: await list(
        `SELECT source || '|' || stream || '|' || payload_hash || '|' || reason AS k FROM quarantined_records ORDER BY 1`,
      ),
      groups: await list(
        `SELECT string_agg(source || '/' || source_asset_id, ',' ORDER BY source, source_asset_id) AS k FROM asset_source_ids GROUP BY asset_id ORDER BY 1`,
      ),
    };
  } finally {
    await c.end();
  }
}

export async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}
