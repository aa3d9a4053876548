import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WhereBuilder } from '../common/sql/where-builder.js';

export interface AssetRow {
  id: string; asset_key: string; symbol: string; name: string; rank: number | null; needs_review: boolean; review_reason: string | null;
  source_ids: Array<{ source: string; source_asset_id: string; match_method: string; confidence: number; name: string | null; rank: number | null }>;
}

export interface LatestRow {
  source: string; price_usd: string; market_cap_usd: string | null; volume_24h_usd: string | null;
  /** ISO-8601 UTC. */
  observed_at: string;
  /** Within the freshness budget of the freshest source: counted in the consensus. */
  fresh: boolean;
}

export const ASSET_COLUMNS = `a.id, a.asset_key, a.symbol, a.name, a.rank, a.needs_review, a.review_reason,
  coalesce((SELECT json_agg(json_build_object('source', m.source, 'source_asset_id', m.source_asset_id, 'match_method', m.match_method,
            'confidence', m.confidence::float8, 'name', m.name, 'rank', m.rank) ORDER BY m.source, m.source_asset_id)
     FROM asset_source_ids m WHERE m.asset_id = a.id), '[]') AS source_ids`;

/**
 * Latest quote per source ($1 asset id), fresh flag ($2 freshness budget in seconds), and the median
 * and spread of the fresh prices. Exported for the API benchmark's baseline (same SQL).
 */
export const CONSOLIDATED_SQL = `WITH RECURSIVE sources AS (
     -- The asset's distinct sources by skipping through the unique (asset_id, source, observed_at)
     -- index, then one index probe per source: cost independent of the asset's history length.
     (SELECT source FROM market_quotes WHERE asset_id = $1::uuid ORDER BY source LIMIT 1)
     UNION ALL
     SELECT (SELECT q.source FROM market_quotes q WHERE q.asset_id = $1::uuid AND q.source > s.source ORDER BY q.source LIMIT 1)
       FROM sources s WHERE s.source IS NOT NULL
   ), latest AS (
     SELECT q.source, q.price_usd, q.market_cap_usd, q.volume_24h_usd, q.observed_at
       FROM sources s CROSS JOIN LATERAL (
         SELECT source, price_usd, market_cap_usd, volume_24h_usd, observed_at FROM market_quotes
          WHERE asset_id = $1::uuid AND source = s.source ORDER BY observed_at DESC LIMIT 1) q
      WHERE s.source IS NOT NULL
   ), marked AS (
     SELECT l.*, l.observed_at >= max(l.observed_at) OVER () - make_interval(secs => $2) AS fresh FROM latest l
   ), consensus AS (
     SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY price_usd))::numeric AS median,
            round(((max(price_usd) - min(price_usd)) / nullif((percentile_cont(0.5) WITHIN GROUP (ORDER BY price_usd))::numeric, 0) * 100), 4)::float8 AS spread_pct
       FROM marked WHERE fresh
   )
   SELECT m.source, m.price_usd::text AS price_usd, m.market_cap_usd::text AS market_cap_usd, m.volume_24h_usd::text AS volume_24h_usd,
          to_char(m.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS observed_at, m.fresh,
          c.median::text AS median, c.spread_pct
     FROM marked m CROSS JOIN consensus c ORDER BY m.source`;

@Injectable()
export class AssetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(f: { q?: string; symbol?: string; needsReview?: boolean }, limit: number, afterKey?: string): Promise<{ rows: AssetRow[]; total: number }> {
    const where = new WhereBuilder().addIf(f.symbol, 'a.symbol = upper(?)').addIf(f.needsReview, 'a.needs_review = ?');
    if (f.q) {
      const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.add('(a.symbol = upper(?) OR a.name ILIKE ?)', f.q, pattern);
    }
    const countWhere = where.clone();
    if (afterKey) where.add('a.asset_key > ?', afterKey);
    const rows = (await this.dataSource.query(
      `SELECT ${ASSET_COLUMNS} FROM assets a ${where.toSql()} ORDER BY a.asset_key LIMIT ${where.param(limit + 1)}`,
      where.params,
    )) as AssetRow[];
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM assets a ${countWhere.toSql()}`, countWhere.params)) as Array<{ n: number }>;
    return { rows, total: n };
  }

  async find(id: string): Promise<AssetRow | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1::uuid`, [id])) as AssetRow[];
    return rows[0];
  }

  /**
   * The consolidated view in one round trip: the latest quote of each source, whether it is fresh
   * (within `freshnessSeconds` of the freshest source), and the median and spread of the fresh prices.
   */
  async consolidated(assetId: string, freshnessSeconds: number): Promise<{ latest: LatestRow[]; median: string | null; spread_pct: number | null }> {
    const rows = (await this.dataSource.query(
      CONSOLIDATED_SQL,
      [assetId, freshnessSeconds],
    )) as Array<LatestRow & { median: string | null; spread_pct: number | null }>;
    return {
      latest: rows.map(({ median: _m, spread_pct: _s, ...l }) => l),
      median: rows[0]?.median ?? null,
      spread_pct: rows[0]?.spread_pct ?? null,
    };
  }
}
