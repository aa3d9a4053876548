import { countsToNumbers } from '../../common/sql/bigint-counts.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AssetRow, AssetSourceIdRow } from './assets.repository.js';

/** A source id as a split sees it: also the symbol the source gives (the new asset's key). */
export interface AdminSourceId extends AssetSourceIdRow {
  symbol: string;
}

/** An asset as the identity corrections see it: its row, source ids and how much hangs on it. */
export interface AdminAssetRow extends Omit<AssetRow, 'source_ids'> {
  source_ids: AdminSourceId[];
  quotes: number;
  news_links: number;
}

export interface AuditEntryRow {
  id: string;
  action: string;
  asset_id: string;
  other_asset_id: string | null;
  actor: string;
  request_id: string | null;
  request: Record<string, unknown>;
  result: Record<string, unknown>;
  created_at: string;
}

export interface NewAuditEntry {
  action: 'merge' | 'split' | 'confirm';
  assetId: string;
  otherAssetId: string | null;
  actor: string;
  requestId: string | null;
  request: Record<string, unknown>;
  before: unknown;
  after: unknown;
  result: Record<string, unknown>;
}

export interface AuditLookup {
  action: NewAuditEntry['action'];
  assetId: string;
  otherAssetId?: string;
  /** The entry's request must contain these keys with these values (jsonb containment). */
  requestContains?: Record<string, unknown>;
}

export interface SplitAsset {
  id: string;
  assetKey: string;
  symbol: string;
  name: string;
  rank: number | null;
}

/** A merged asset's id now answers with the survivor; the audit entry records why. */
export interface NewRedirect {
  fromId: string;
  toId: string;
  auditId: string;
}

export interface MoveSourceId {
  source: string;
  sourceAssetId: string;
  fromAssetId: string;
  toAssetId: string;
}

/**
 * Same namespace as the ETL's per-source session lock (src/etl/source-lock.ts): a source whose run
 * is in progress holds it, and its run cache may still hold the old asset of a moved source id.
 */
const SOURCE_LOCK_NAMESPACE = 'kasparro-etl:source';

const ADMIN_ASSET_SQL = `SELECT a.id, a.asset_key, a.symbol, a.name, a.rank, a.needs_review, a.review_reason,
    coalesce((SELECT json_agg(json_build_object('source', m.source, 'source_asset_id', m.source_asset_id,
              'match_method', m.match_method, 'confidence', m.confidence::float8, 'symbol', m.symbol, 'name', m.name,
              'rank', m.rank) ORDER BY m.source, m.source_asset_id)
       FROM asset_source_ids m WHERE m.asset_id = a.id), '[]') AS source_ids,
    (SELECT count(*)::bigint FROM market_quotes q WHERE q.asset_id = a.id) AS quotes,
    (SELECT count(*)::bigint FROM news_asset_mentions n WHERE n.asset_id = a.id) AS news_links
  FROM assets a WHERE a.id = $1::uuid`;

/** All SQL of the operator's identity corrections (merge, split, review) and their audit. */
@Injectable()
export class AssetAdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One transaction for a whole correction: it all lands, or nothing does. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findAsset(manager: EntityManager, id: string): Promise<AdminAssetRow | undefined> {
    const row = ((await manager.query(ADMIN_ASSET_SQL, [id])) as AdminAssetRow[])[0];
    return row && countsToNumbers(row, ['quotes', 'news_links']);
  }

  /** Symbols of the assets that exist among `ids` (to take the identity locks before the row locks). */
  async symbolsOf(manager: EntityManager, ids: string[]): Promise<string[]> {
    const rows = (await manager.query(`SELECT DISTINCT symbol FROM assets WHERE id = ANY($1::uuid[])`, [
      ids,
    ])) as Array<{ symbol: string }>;
    return rows.map((r) => r.symbol);
  }

  /**
   * Row locks on the assets, in id order (no deadlock between two corrections). NO KEY UPDATE: it
   * serialises corrections of the same assets without blocking the ETL's quote inserts that only
   * reference them.
   */
  async lockAssets(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`SELECT id FROM assets WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [ids]);
  }

  /**
   * Takes each source's ETL lock for this transaction, without waiting. Returns the sources whose
   * run is in progress (lock held elsewhere): the correction must wait for those runs to end.
   */
  async tryLockSources(manager: EntityManager, sources: string[]): Promise<string[]> {
    if (sources.length === 0) return [];
    const rows = (await manager.query(
      `SELECT t.s AS source, pg_try_advisory_xact_lock(hashtext($2), hashtext(t.s)) AS locked
         FROM (SELECT DISTINCT s FROM unnest($1::text[]) AS u(s) ORDER BY s) t`,
      [sources, SOURCE_LOCK_NAMESPACE],
    )) as Array<{ source: string; locked: boolean }>;
    return rows.filter((r) => !r.locked).map((r) => r.source);
  }

  /** The survivor an absorbed asset id redirects to, if any. */
  async survivorOf(id: string, manager: EntityManager = this.dataSource.manager): Promise<string | undefined> {
    const rows = (await manager.query(`SELECT to_asset_id FROM asset_redirects WHERE from_asset_id = $1::uuid`, [
      id,
    ])) as Array<{ to_asset_id: string }>;
    return rows[0]?.to_asset_id;
  }

  /** The asset a source id is mapped to now. */
  async ownerOf(manager: EntityManager, source: string, sourceAssetId: string): Promise<string | undefined> {
    const rows = (await manager.query(
      `SELECT asset_id FROM asset_source_ids WHERE source = $1 AND source_asset_id = $2`,
      [source, sourceAssetId],
    )) as Array<{ asset_id: string }>;
    return rows[0]?.asset_id;
  }

  /** The latest audit entry of this kind (to replay a repeated request instead of acting twice). */
  async findLatestAudit(manager: EntityManager, q: AuditLookup): Promise<AuditEntryRow | undefined> {
    const rows = (await manager.query(
      `SELECT id::text, action, asset_id, other_asset_id, actor, request_id, request, result,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
         FROM asset_identity_audit
        WHERE action = $1 AND asset_id = $2::uuid AND ($3::uuid IS NULL OR other_asset_id = $3::uuid)
          AND request @> $4::jsonb
        ORDER BY id DESC LIMIT 1`,
      [q.action, q.assetId, q.otherAssetId ?? null, JSON.stringify(q.requestContains ?? {})],
    )) as AuditEntryRow[];
    return rows[0];
  }

  async insertAudit(manager: EntityManager, e: NewAuditEntry): Promise<string> {
    const [row] = (await manager.query(
      `INSERT INTO asset_identity_audit
              (action, asset_id, other_asset_id, actor, request_id, request, before, after, result)
       VALUES ($1, $2::uuid, $3::uuid, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb) RETURNING id::text AS id`,
      [
        e.action,
        e.assetId,
        e.otherAssetId,
        e.actor,
        e.requestId,
        JSON.stringify(e.request),
        JSON.stringify(e.before),
        JSON.stringify(e.after),
        JSON.stringify(e.result),
      ],
    )) as Array<{ id: string }>;
    return row.id;
  }

  /**
   * Every source id of `from` now maps to `to`, as a manual decision: `manual` mappings are never
   * provisional, so the next ETL run keeps them where the operator put them.
   */
  async moveAllSourceIds(manager: EntityManager, fromId: string, toId: string): Promise<number> {
    const [, count] = (await manager.query(
      `UPDATE asset_source_ids SET asset_id = $2::uuid, match_method = 'manual', confidence = 1, updated_at = now()
        WHERE asset_id = $1::uuid`,
      [fromId, toId],
    )) as [unknown, number];
    return count;
  }

  /**
   * Deletes and returns the quotes of `from` at an instant `to` already has from the same source
   * (the unique key asset/source/observed_at): the survivor's quote is kept, deterministically.
   */
  async takeCollidingQuotes(
    manager: EntityManager,
    fromId: string,
    toId: string,
  ): Promise<Array<Record<string, unknown>>> {
    const [rows] = (await manager.query(
      `DELETE FROM market_quotes q
        WHERE q.asset_id = $1::uuid
          AND EXISTS (SELECT 1 FROM market_quotes s
                       WHERE s.asset_id = $2::uuid AND s.source = q.source AND s.observed_at = q.observed_at)
        RETURNING q.id::text, q.source, q.source_asset_id, q.observed_at, q.price_usd::text, q.market_cap_usd::text,
                  q.volume_24h_usd::text, q.change_24h_pct::text, q.rank, q.circulating_supply::text,
                  q.total_supply::text, q.max_supply::text, q.content_hash, q.run_id::text`,
      [fromId, toId],
    )) as [Array<Record<string, unknown>>, number];
    // Deterministic order for the audit entry: by source, then instant.
    const key = (q: Record<string, unknown>) => `${String(q.source)}\u0000${(q.observed_at as Date).toISOString()}`;
    return [...rows].sort((a, b) => key(a).localeCompare(key(b)));
  }

  async moveAllQuotes(manager: EntityManager, fromId: string, toId: string): Promise<number> {
    const [, count] = (await manager.query(
      `UPDATE market_quotes SET asset_id = $2::uuid, updated_at = now() WHERE asset_id = $1::uuid`,
      [fromId, toId],
    )) as [unknown, number];
    return count;
  }

  /**
   * News links of `from` move to `to`. An item linked to both keeps one link (the higher
   * confidence, its matched text with it): `merged` counts those.
   */
  async moveNewsLinks(
    manager: EntityManager,
    fromId: string,
    toId: string,
  ): Promise<{ moved: number; merged: number }> {
    await manager.query(
      `UPDATE news_asset_mentions s SET confidence = f.confidence, matched = f.matched
         FROM news_asset_mentions f
        WHERE f.asset_id = $1::uuid AND s.asset_id = $2::uuid AND s.news_id = f.news_id
          AND f.confidence > s.confidence`,
      [fromId, toId],
    );
    const [, both] = (await manager.query(
      `DELETE FROM news_asset_mentions f
        WHERE f.asset_id = $1::uuid
          AND EXISTS (SELECT 1 FROM news_asset_mentions s WHERE s.asset_id = $2::uuid AND s.news_id = f.news_id)`,
      [fromId, toId],
    )) as [unknown, number];
    const [, moved] = (await manager.query(
      `UPDATE news_asset_mentions SET asset_id = $2::uuid WHERE asset_id = $1::uuid`,
      [fromId, toId],
    )) as [unknown, number];
    return { moved: moved + both, merged: both };
  }

  /** Earlier merges into `from` now redirect to `to`: chains stay one hop long. */
  async repointRedirects(manager: EntityManager, fromId: string, toId: string): Promise<number> {
    const [, count] = (await manager.query(
      `UPDATE asset_redirects SET to_asset_id = $2::uuid, updated_at = now() WHERE to_asset_id = $1::uuid`,
      [fromId, toId],
    )) as [unknown, number];
    return count;
  }

  /** A live asset answers for itself: a redirect from its id (left by an older merge) goes. */
  async deleteRedirectFrom(manager: EntityManager, id: string): Promise<number> {
    const [, count] = (await manager.query(`DELETE FROM asset_redirects WHERE from_asset_id = $1::uuid`, [id])) as [
      unknown,
      number,
    ];
    return count;
  }

  async insertRedirect(manager: EntityManager, { fromId, toId, auditId }: NewRedirect): Promise<void> {
    await manager.query(
      `INSERT INTO asset_redirects (from_asset_id, to_asset_id, audit_id) VALUES ($1::uuid, $2::uuid, $3::bigint)`,
      [fromId, toId, auditId],
    );
  }

  /** Called once nothing references the asset any more (its ids, quotes and links moved first). */
  async deleteAsset(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM assets WHERE id = $1::uuid`, [id]);
  }

  /** Which of these ids or keys an asset already has (a split needs a free one). */
  async existingAssets(
    manager: EntityManager,
    ids: string[],
    keys: string[],
  ): Promise<Array<{ id: string; asset_key: string }>> {
    return (await manager.query(
      `SELECT id, asset_key FROM assets WHERE id = ANY($1::uuid[]) OR asset_key = ANY($2::text[])`,
      [ids, keys],
    )) as Array<{ id: string; asset_key: string }>;
  }

  /** A split's new asset: an operator decision, so not awaiting review. */
  async insertAsset(manager: EntityManager, a: SplitAsset): Promise<void> {
    await manager.query(
      `INSERT INTO assets (id, asset_key, symbol, name, rank, needs_review, review_reason)
       VALUES ($1::uuid, $2, $3, $4, $5, false, null)`,
      [a.id, a.assetKey, a.symbol, a.name, a.rank],
    );
  }

  /** One source id and its quotes (market_quotes records the source id) move to another asset. */
  async moveSourceId(manager: EntityManager, m: MoveSourceId): Promise<{ quotes: number }> {
    await manager.query(
      `UPDATE asset_source_ids SET asset_id = $4::uuid, match_method = 'manual', confidence = 1, updated_at = now()
        WHERE source = $1 AND source_asset_id = $2 AND asset_id = $3::uuid`,
      [m.source, m.sourceAssetId, m.fromAssetId, m.toAssetId],
    );
    const [, quotes] = (await manager.query(
      `UPDATE market_quotes SET asset_id = $4::uuid, updated_at = now()
        WHERE asset_id = $3::uuid AND source = $1 AND source_asset_id = $2`,
      [m.source, m.sourceAssetId, m.fromAssetId, m.toAssetId],
    )) as [unknown, number];
    return { quotes };
  }

  async clearReview(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE assets SET needs_review = false, review_reason = null, updated_at = now() WHERE id = $1::uuid`,
      [id],
    );
  }

  /**
   * Audit entries touching an asset (addressed to it, or absorbed/created by it), newest first.
   * Bounded: an asset's history is short; the table keeps everything.
   */
  async history(assetId: string, limit = 100): Promise<AuditEntryRow[]> {
    return (await this.dataSource.query(
      `SELECT id::text, action, asset_id, other_asset_id, actor, request_id, request, result,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
         FROM (SELECT * FROM asset_identity_audit WHERE asset_id = $1::uuid
               UNION ALL
               SELECT * FROM asset_identity_audit WHERE other_asset_id = $1::uuid AND asset_id <> $1::uuid) e
        ORDER BY e.id DESC LIMIT $2`,
      [assetId, limit],
    )) as AuditEntryRow[];
  }
}
