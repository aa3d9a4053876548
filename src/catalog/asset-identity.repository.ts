import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface MappingRow {
  source: string;
  source_asset_id: string;
  asset_id: string;
  symbol: string;
  name: string | null;
  rank: number | null;
  match_method: string;
  /** The mapped asset awaits review: a provisional mapping that better evidence may replace. */
  provisional: boolean;
}

export interface AssetRow {
  id: string;
  asset_key: string;
  symbol: string;
  name: string;
  rank: number | null;
  needs_review: boolean;
  mappings: Array<{ source: string; source_asset_id: string; name: string | null }>;
}

export interface NewAsset {
  id: string;
  assetKey: string;
  symbol: string;
  name: string;
  rank: number | null;
  needsReview: boolean;
  reviewReason: string | null;
}

export interface NewMapping {
  source: string;
  sourceAssetId: string;
  assetId: string;
  matchMethod: string;
  confidence: number;
  symbol: string;
  name: string | null;
  rank: number | null;
}

/** Set-based SQL of identity resolution: a handful of statements per batch, never one per row. */
@Injectable()
export class AssetIdentityRepository {
  /**
   * Serialises identity resolution per symbol across concurrent transactions (two sources resolving
   * the same coin at once would otherwise each create an asset). Transaction-scoped, taken in sorted
   * order so two batches can never deadlock.
   */
  async lockSymbols(manager: EntityManager, symbols: string[]): Promise<void> {
    if (symbols.length === 0) return;
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtext('kasparro-etl:symbol'), hashtext(t.s)) FROM (SELECT DISTINCT s FROM unnest($1::text[]) AS u(s) ORDER BY s) t`,
      [symbols],
    );
  }

  async findMappings(manager: EntityManager, source: string, ids: string[]): Promise<MappingRow[]> {
    if (ids.length === 0) return [];
    return (await manager.query(
      `SELECT m.source, m.source_asset_id, m.asset_id, m.symbol, m.name, m.rank, m.match_method,
              (m.match_method = 'new' AND a.needs_review) AS provisional
         FROM asset_source_ids m JOIN assets a ON a.id = m.asset_id
        WHERE m.source = $1 AND m.source_asset_id = ANY($2::text[])`,
      [source, ids],
    )) as MappingRow[];
  }

  /** Assets with any of these symbols, with the source ids mapped to them (for the crosswalk). */
  async findAssetsBySymbols(manager: EntityManager, symbols: string[]): Promise<AssetRow[]> {
    if (symbols.length === 0) return [];
    return (await manager.query(
      `SELECT a.id, a.asset_key, a.symbol, a.name, a.rank, a.needs_review,
              coalesce(json_agg(json_build_object('source', m.source, 'source_asset_id', m.source_asset_id, 'name', m.name)) FILTER (WHERE m.source IS NOT NULL), '[]') AS mappings
         FROM assets a LEFT JOIN asset_source_ids m ON m.asset_id = a.id
        WHERE a.symbol = ANY($1::text[])
        GROUP BY a.id`,
      [symbols],
    )) as AssetRow[];
  }

  async findAssetIdsByKeys(manager: EntityManager, keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = (await manager.query(`SELECT asset_key, id FROM assets WHERE asset_key = ANY($1::text[])`, [keys])) as Array<{ asset_key: string; id: string }>;
    return new Map(rows.map((r) => [r.asset_key, r.id]));
  }

  /** Race-safe: a concurrent batch creating the same key wins silently (ids are derived from keys). */
  async insertAssets(manager: EntityManager, assets: NewAsset[]): Promise<void> {
    if (assets.length === 0) return;
    await manager.query(
      `INSERT INTO assets (id, asset_key, symbol, name, rank, needs_review, review_reason)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::boolean[], $7::text[])
       ON CONFLICT (asset_key) DO NOTHING`,
      [assets.map((a) => a.id), assets.map((a) => a.assetKey), assets.map((a) => a.symbol), assets.map((a) => a.name), assets.map((a) => a.rank), assets.map((a) => a.needsReview), assets.map((a) => a.reviewReason)],
    );
  }

  /**
   * Race-safe: if another transaction mapped the same source id first, its mapping stands. Returns
   * the (source, source id) pairs this call inserted, as `source\u0000sourceAssetId` keys.
   */
  async insertMappings(manager: EntityManager, mappings: NewMapping[]): Promise<Set<string>> {
    if (mappings.length === 0) return new Set();
    const rows = (await manager.query(
      `INSERT INTO asset_source_ids (source, source_asset_id, asset_id, match_method, confidence, symbol, name, rank)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::int[])
       ON CONFLICT (source, source_asset_id) DO NOTHING
       RETURNING source, source_asset_id`,
      [mappings.map((m) => m.source), mappings.map((m) => m.sourceAssetId), mappings.map((m) => m.assetId), mappings.map((m) => m.matchMethod), mappings.map((m) => m.confidence), mappings.map((m) => m.symbol), mappings.map((m) => m.name), mappings.map((m) => m.rank)],
    )) as Array<{ source: string; source_asset_id: string }>;
    return new Set(rows.map((r) => `${r.source}\u0000${r.source_asset_id}`));
  }

  /** Renamed coins keep their asset: only the mapping's descriptive columns follow the source. */
  async refreshMappings(manager: EntityManager, rows: Array<{ source: string; sourceAssetId: string; symbol: string; name: string | null; rank: number | null }>): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE asset_source_ids m SET symbol = t.symbol, name = t.name, rank = t.rank, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS t(source, source_asset_id, symbol, name, rank)
        WHERE m.source = t.source AND m.source_asset_id = t.source_asset_id
          AND (m.symbol, m.name, m.rank) IS DISTINCT FROM (t.symbol, t.name, t.rank)`,
      [rows.map((r) => r.source), rows.map((r) => r.sourceAssetId), rows.map((r) => r.symbol), rows.map((r) => r.name), rows.map((r) => r.rank)],
    );
  }

  /**
   * Moves a provisional mapping (and the quotes already stored under it) to a better asset, then
   * drops the provisional asset if nothing maps to it any more. Rare: only when a source that first
   * gave a bare symbol later gives enough to identify the coin.
   */
  async promoteMapping(manager: EntityManager, m: { source: string; sourceAssetId: string; fromAssetId: string; toAssetId: string; matchMethod: string; confidence: number }): Promise<void> {
    await manager.query(
      `UPDATE asset_source_ids SET asset_id = $3, match_method = $4, confidence = $5, updated_at = now() WHERE source = $1 AND source_asset_id = $2`,
      [m.source, m.sourceAssetId, m.toAssetId, m.matchMethod, m.confidence],
    );
    await manager.query(
      `UPDATE market_quotes q SET asset_id = $3, updated_at = now()
        WHERE q.source = $1 AND q.source_asset_id = $2 AND q.asset_id = $4
          AND NOT EXISTS (SELECT 1 FROM market_quotes x WHERE x.asset_id = $3 AND x.source = q.source AND x.observed_at = q.observed_at)`,
      [m.source, m.sourceAssetId, m.toAssetId, m.fromAssetId],
    );
    await manager.query(`DELETE FROM market_quotes WHERE source = $1 AND source_asset_id = $2 AND asset_id = $3`, [m.source, m.sourceAssetId, m.fromAssetId]);
    await manager.query(`DELETE FROM assets a WHERE a.id = $1 AND NOT EXISTS (SELECT 1 FROM asset_source_ids m WHERE m.asset_id = a.id)`, [m.fromAssetId]);
  }

  async repointMapping(manager: EntityManager, source: string, sourceAssetId: string, assetId: string): Promise<boolean> {
    const result = (await manager.query(
      `UPDATE asset_source_ids SET asset_id = $3, match_method = 'manual', confidence = 1, updated_at = now()
        WHERE source = $1 AND source_asset_id = $2 RETURNING 1`,
      [source, sourceAssetId, assetId],
    )) as [unknown[], number];
    return result[1] > 0;
  }
}
