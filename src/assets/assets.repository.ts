import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WhereBuilder } from '../common/sql/where-builder.js';

export interface AssetRow {
  id: string; asset_key: string; symbol: string; name: string; rank: number | null; needs_review: boolean; review_reason: string | null;
  source_ids: Array<{ source: string; source_asset_id: string; match_method: string; confidence: number; name: string | null; rank: number | null }>;
}

export interface LatestRow { source: string; price_usd: string; market_cap_usd: string | null; volume_24h_usd: string | null; observed_at: Date }

const ASSET_COLUMNS = `a.id, a.asset_key, a.symbol, a.name, a.rank, a.needs_review, a.review_reason,
  coalesce((SELECT json_agg(json_build_object('source', m.source, 'source_asset_id', m.source_asset_id, 'match_method', m.match_method,
            'confidence', m.confidence::float8, 'name', m.name, 'rank', m.rank) ORDER BY m.source, m.source_asset_id)
     FROM asset_source_ids m WHERE m.asset_id = a.id), '[]') AS source_ids`;

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

  /** The latest quote of each source for one asset (the unique (asset, source, observed_at) index). */
  async latestPerSource(assetId: string): Promise<LatestRow[]> {
    return (await this.dataSource.query(
      `SELECT DISTINCT ON (source) source, price_usd::text AS price_usd, market_cap_usd::text AS market_cap_usd,
              volume_24h_usd::text AS volume_24h_usd, observed_at
         FROM market_quotes WHERE asset_id = $1::uuid ORDER BY source, observed_at DESC`,
      [assetId],
    )) as LatestRow[];
  }

  /** Median and spread computed by PostgreSQL over exact decimals. */
  async consensus(prices: string[]): Promise<{ median: string | null; spread_pct: number | null }> {
    if (prices.length === 0) return { median: null, spread_pct: null };
    const [row] = (await this.dataSource.query(
      `SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY p))::numeric AS median,
              round(((max(p) - min(p)) / nullif((percentile_cont(0.5) WITHIN GROUP (ORDER BY p))::numeric, 0) * 100), 4)::float8 AS spread_pct
         FROM unnest($1::numeric[]) AS t(p)`,
      [prices],
    )) as Array<{ median: string | null; spread_pct: number | null }>;
    return { median: row.median === null ? null : String(row.median), spread_pct: row.spread_pct };
  }
}
