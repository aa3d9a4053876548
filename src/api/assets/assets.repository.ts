import { boundedTotal, type ListTotal } from '../../common/sql/list-total.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WhereBuilder } from '../../common/sql/where-builder.js';
import { preparedQuery } from '../../platform/database/prepared-statement.js';

/** One of an asset's source ids, with the name and rank that source gives it. */
export interface AssetSourceIdRow {
  source: string;
  source_asset_id: string;
  match_method: string;
  confidence: number;
  name: string | null;
  rank: number | null;
}

export interface AssetRow {
  id: string;
  asset_key: string;
  symbol: string;
  name: string;
  rank: number | null;
  needs_review: boolean;
  review_reason: string | null;
  source_ids: AssetSourceIdRow[];
}

export interface AssetFilter {
  q?: string;
  symbol?: string;
  needsReview?: boolean;
}

/** A page row: with `q`, also its keyset (match tier and rank key, as text). */
export type AssetPageRow = AssetRow & { match_tier?: string; rank_key?: string };

/** Sorts unranked assets after every ranked one. */
const UNRANKED = 2147483647;

export type { LatestRow } from '../../catalog/latest-quotes.repository.js';

export const ASSET_COLUMNS = `a.id, a.asset_key, a.symbol, a.name, a.rank, a.needs_review, a.review_reason,
  coalesce((SELECT json_agg(json_build_object('source', m.source, 'source_asset_id', m.source_asset_id, 'match_method', m.match_method,
            'confidence', m.confidence::float8, 'name', m.name, 'rank', m.rank) ORDER BY m.source, m.source_asset_id)
     FROM asset_source_ids m WHERE m.asset_id = a.id), '[]') AS source_ids`;

@Injectable()
export class AssetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Without `q`: by asset_key. With `q`: an exact symbol or name match first (case-insensitive), then
   * symbol or name prefix matches, then the rest, each tier by rank (unranked last), then asset_key;
   * the keyset follows that order (`after` = [tier, rank key, asset_key] of the last row).
   */
  async page(f: AssetFilter, limit: number, after?: string[]): Promise<{ rows: AssetPageRow[]; total: ListTotal }> {
    const where = new WhereBuilder().addIf(f.symbol, 'a.symbol = upper(?)').addIf(f.needsReview, 'a.needs_review = ?');
    let order = 'a.asset_key';
    let keyColumns = '';
    const escaped = f.q?.replace(/[\\%_]/g, (c) => `\\${c}`);
    if (f.q) {
      where.add('(a.symbol = upper(?) OR a.name ILIKE ?)', f.q, `%${escaped}%`);
    }
    const countWhere = where.clone();
    if (f.q && escaped !== undefined) {
      const exact = `(a.symbol = upper(${where.param(f.q)}) OR lower(a.name) = lower(${where.param(f.q)}))`;
      const prefix = `(a.symbol ILIKE ${where.param(`${escaped}%`)} OR a.name ILIKE ${where.param(`${escaped}%`)})`;
      keyColumns = `, (CASE WHEN ${exact} THEN 0 WHEN ${prefix} THEN 1 ELSE 2 END)::text AS match_tier,
        coalesce(a.rank, ${UNRANKED})::text AS rank_key`;
      order = 'match_tier::int, rank_key::int, a.asset_key';
    }
    const inner = `SELECT ${ASSET_COLUMNS}${keyColumns} FROM assets a ${where.toSql()}`;
    let outerWhere = '';
    if (after && f.q) {
      outerWhere = `WHERE (match_tier::int, rank_key::int, asset_key) > (${where.param(Number(after[0]))}::int, ${where.param(Number(after[1]))}::int, ${where.param(after[2])})`;
    } else if (after) {
      outerWhere = `WHERE asset_key > ${where.param(after[0])}`;
    }
    const rows = (await this.dataSource.query(
      `SELECT * FROM (${inner}) a ${outerWhere} ORDER BY ${order} LIMIT ${where.param(limit + 1)}`,
      where.params,
    )) as AssetPageRow[];
    return { rows, total: await boundedTotal(this.dataSource, { from: 'assets a', where: countWhere }) };
  }

  /** The asset a source's own id maps to (`coingecko` + `bitcoin`), if any. */
  async findIdBySourceId(source: string, sourceAssetId: string): Promise<string | undefined> {
    const rows = await preparedQuery<{ id: string }>(
      this.dataSource,
      `SELECT asset_id::text AS id FROM asset_source_ids WHERE source = $1 AND source_asset_id = $2`,
      [source, sourceAssetId],
    );
    return rows[0]?.id;
  }

  async find(id: string): Promise<AssetRow | undefined> {
    const rows = await preparedQuery<AssetRow>(
      this.dataSource,
      `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1::uuid`,
      [id],
    );
    return rows[0];
  }
}
