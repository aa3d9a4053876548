import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { exactMedianSql } from '../common/sql/exact-median.js';
import { WhereBuilder } from '../common/sql/where-builder.js';

export interface AssetRow {
  id: string; asset_key: string; symbol: string; name: string; rank: number | null; needs_review: boolean; review_reason: string | null;
  source_ids: Array<{ source: string; source_asset_id: string; match_method: string; confidence: number; name: string | null; rank: number | null }>;
}

export interface LatestRow {
  source: string; price_usd: string; market_cap_usd: string | null; volume_24h_usd: string | null;
  /** ISO-8601 UTC. */
  observed_at: string;
  /** Whole seconds from observed_at to the view's as-of instant; negative when dated in the future. */
  age_seconds: number;
  /** Within the freshness budget of the as-of instant (either side): counted in the consensus. */
  fresh: boolean;
}

export interface ConsolidatedQuery {
  assetId: string;
  /** The instant freshness is judged against (the request's now). */
  asOf: Date;
  freshnessSeconds: number;
  /** Spread (percent of the median) above which the fresh prices count as divergent. */
  divergencePct: number;
}

export interface ConsolidatedRows {
  latest: LatestRow[];
  /** Exact median of the fresh prices (numeric), null when no source is fresh. */
  median: string | null;
  /** (max - min) / median x 100 of the fresh prices, 4 decimals, as decimal text. */
  spread_pct: string | null;
  divergent: boolean;
}

export const ASSET_COLUMNS = `a.id, a.asset_key, a.symbol, a.name, a.rank, a.needs_review, a.review_reason,
  coalesce((SELECT json_agg(json_build_object('source', m.source, 'source_asset_id', m.source_asset_id, 'match_method', m.match_method,
            'confidence', m.confidence::float8, 'name', m.name, 'rank', m.rank) ORDER BY m.source, m.source_asset_id)
     FROM asset_source_ids m WHERE m.asset_id = a.id), '[]') AS source_ids`;

/**
 * Latest quote per source ($1 asset id), its age and fresh flag against $3 (the as-of instant) and
 * $2 (freshness budget in seconds), and the consensus of the fresh prices with $4 (divergence
 * threshold, percent). Exported for the API benchmark's baseline (same SQL).
 *
 * Everything is `numeric`, never float8: the median is exact (the middle element of the sorted
 * prices, or the mean of the two middle ones: `* 0.5` is exact where `/ 2` rounds to 16 digits), and
 * divergence compares `(max - min) * 100 > threshold * median` without dividing. spread_pct is
 * rounded to 4 decimals and, like the prices, handed out as decimal text (no float8 on the way:
 * a price of hundreds of digits cannot overflow it).
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
     -- Judged against now, not against the newest quote: a quote dated in the future neither
     -- makes the real sources stale nor counts itself beyond one budget ahead (clock skew).
     SELECT l.*, extract(epoch FROM $3::timestamptz - l.observed_at) AS age,
            l.observed_at BETWEEN $3::timestamptz - make_interval(secs => $2)
                              AND $3::timestamptz + make_interval(secs => $2) AS fresh
       FROM latest l
   ), fresh_prices AS (
     SELECT array_agg(price_usd ORDER BY price_usd) AS p, count(*)::int AS n FROM marked WHERE fresh
   ), consensus AS (
     SELECT ${exactMedianSql('p', 'n')} AS median,
            p[n] - p[1] AS price_range
       FROM fresh_prices
   )
   SELECT m.source, m.price_usd::text AS price_usd, m.market_cap_usd::text AS market_cap_usd, m.volume_24h_usd::text AS volume_24h_usd,
          to_char(m.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS observed_at,
          floor(m.age)::float8 AS age_seconds, m.fresh, c.median::text AS median,
          CASE WHEN c.median > 0 THEN round(c.price_range * 100 / c.median, 4)::text END AS spread_pct,
          coalesce(c.median > 0 AND c.price_range * 100 > $4::numeric * c.median, false) AS divergent
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
   * The consolidated view in one round trip: the latest quote of each source, its age and whether
   * it is fresh (within `freshnessSeconds` of `asOf`), and the exact median, spread and divergence
   * of the fresh prices.
   */
  async consolidated(q: ConsolidatedQuery): Promise<ConsolidatedRows> {
    const rows = (await this.dataSource.query(
      CONSOLIDATED_SQL,
      [q.assetId, q.freshnessSeconds, q.asOf.toISOString(), String(q.divergencePct)],
    )) as Array<LatestRow & { median: string | null; spread_pct: string | null; divergent: boolean }>;
    return {
      latest: rows.map(({ median: _m, spread_pct: _s, divergent: _d, ...l }) => l),
      median: rows[0]?.median ?? null,
      spread_pct: rows[0]?.spread_pct ?? null,
      divergent: rows[0]?.divergent ?? false,
    };
  }
}
