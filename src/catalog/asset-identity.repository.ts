import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LatestQuotesWriter } from './latest-quotes.repository.js';
import { subtractQuotesOfAssets } from './counters/source-counters.repository.js';
import { QuoteRollupsRepository } from './quote-rollups.repository.js';

export interface MappingRow {
  source: string;
  source_asset_id: string;
  asset_id: string;
  symbol: string;
  name: string | null;
  rank: number | null;
  match_method: string;
  /** First seen without a name (a bare ticker): decided again once the source names the coin. */
  provisional: boolean;
}

/** A mapping of a symbol block, with its asset and the evidence it was first seen with. */
export interface BlockRow {
  source: string;
  source_asset_id: string;
  asset_id: string;
  asset_key: string;
  needs_review: boolean;
  review_reason: string | null;
  match_method: string;
  confidence: string;
  match_symbol: string;
  evidence: MatchEvidence;
  /** The asset holds a mapping an operator made (`manual` or any method the matcher does not own). */
  frozen: boolean;
}

/** `asset_source_ids.evidence`: what the source said when the id was first seen. */
export interface MatchEvidence {
  name?: string | null;
  rank?: number | null;
  price?: number | null;
  cap?: number | null;
  /** Epoch ms of the observation. */
  at?: number | null;
  crosswalkKey?: string | null;
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
  matchSymbol: string;
  evidence: MatchEvidence;
}

/** A mapping whose asset, method or confidence a re-decision changed (`fromAssetId` is where it was). */
/** A source id moved to another asset by hand (a manual match). */
export interface MappingRepoint {
  source: string;
  sourceAssetId: string;
  assetId: string;
}

export interface ChangedMapping {
  source: string;
  sourceAssetId: string;
  fromAssetId: string;
  assetId: string;
  matchMethod: string;
  confidence: number;
}

/** What re-deciding some symbol blocks changes: written by `applyBlockPlan` in a fixed order. */
export interface BlockPlan {
  assets: NewAsset[];
  inserted: NewMapping[];
  changed: ChangedMapping[];
  /** Assets no mapping may point to any more (deleted if none does). */
  vacated: string[];
  /** Old asset -> new asset when all of an asset's ids moved together (a new key): its news links follow. */
  rekeyed: Array<{ from: string; to: string }>;
  /** Evidence upgrades: ids first seen without a name, now named. */
  evidence: Array<{ source: string; sourceAssetId: string; matchSymbol: string; evidence: MatchEvidence }>;
}

/** Methods the matcher owns; any other (`manual`, admin operations) freezes the asset. */
export const AUTOMATIC_METHODS = [
  'new',
  'crosswalk',
  'symbol_name',
  'symbol_name_rank',
  'symbol_name_market',
  'symbol_market',
];

/** Set-based SQL of identity resolution: a handful of statements per batch, never one per row. */
@Injectable()
export class AssetIdentityRepository {
  /** The defaults serve tests that build the repository by hand (neither holds state). */
  constructor(
    private readonly latestQuotes: LatestQuotesWriter = new LatestQuotesWriter(),
    private readonly rollups: QuoteRollupsRepository = new QuoteRollupsRepository(),
  ) {}

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
              (m.evidence->>'name' IS NULL AND m.match_method = ANY($3::text[])) AS provisional
         FROM asset_source_ids m
        WHERE m.source = $1 AND m.source_asset_id = ANY($2::text[])`,
      [source, ids, AUTOMATIC_METHODS],
    )) as MappingRow[];
  }

  /**
   * Every mapping of these symbol blocks (ids whose evidence carries the symbol), with its asset.
   * Called under the blocks' advisory locks, so the set cannot change until the transaction ends.
   */
  async findBlockMembers(manager: EntityManager, symbols: string[]): Promise<BlockRow[]> {
    if (symbols.length === 0) return [];
    return (await manager.query(
      `SELECT m.source, m.source_asset_id, m.asset_id, a.asset_key, a.needs_review, a.review_reason, m.match_method,
              m.confidence, coalesce(m.match_symbol, m.symbol) AS match_symbol, m.evidence,
              EXISTS (SELECT 1 FROM asset_source_ids x WHERE x.asset_id = m.asset_id
                        AND x.match_method <> 'override' AND NOT (x.match_method = ANY($2::text[]))) AS frozen
         FROM asset_source_ids m JOIN assets a ON a.id = m.asset_id
        WHERE coalesce(m.match_symbol, m.symbol) = ANY($1::text[])`,
      [symbols, AUTOMATIC_METHODS],
    )) as BlockRow[];
  }

  /**
   * Writes a re-decision of symbol blocks. When ids move, the identity epoch is bumped FIRST: that
   * waits for every transaction that validated a run cache against the old epoch (they hold it
   * FOR SHARE), so their quotes are committed and move too; later ones see the new epoch.
   * Moves go through a non-automatic interim method so the one-id-per-source index never sees a
   * transient double; quotes follow their source id; emptied assets are deleted.
   */
  async applyBlockPlan(manager: EntityManager, plan: BlockPlan): Promise<void> {
    const moved = plan.changed.filter((c) => c.fromAssetId !== c.assetId);
    if (moved.length > 0 || plan.vacated.length > 0) {
      await manager.query(`UPDATE identity_epoch SET value = value + 1 WHERE id = 1`);
    }
    if (plan.assets.length > 0) {
      const a = plan.assets;
      await manager.query(
        `INSERT INTO assets (id, asset_key, symbol, name, rank, needs_review, review_reason)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::boolean[], $7::text[])
         ON CONFLICT (asset_key) DO UPDATE SET symbol = excluded.symbol, name = excluded.name, rank = excluded.rank,
           needs_review = excluded.needs_review, review_reason = excluded.review_reason, updated_at = now()
         WHERE (assets.symbol, assets.name, assets.rank, assets.needs_review, assets.review_reason)
               IS DISTINCT FROM (excluded.symbol, excluded.name, excluded.rank, excluded.needs_review, excluded.review_reason)`,
        [
          a.map((x) => x.id),
          a.map((x) => x.assetKey),
          a.map((x) => x.symbol),
          a.map((x) => x.name),
          a.map((x) => x.rank),
          a.map((x) => x.needsReview),
          a.map((x) => x.reviewReason),
        ],
      );
    }
    if (plan.evidence.length > 0) {
      const e = plan.evidence;
      await manager.query(
        `UPDATE asset_source_ids m SET match_symbol = t.match_symbol, evidence = t.evidence, updated_at = now()
           FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS t(source, source_asset_id, match_symbol, evidence)
          WHERE m.source = t.source AND m.source_asset_id = t.source_asset_id`,
        [
          e.map((x) => x.source),
          e.map((x) => x.sourceAssetId),
          e.map((x) => x.matchSymbol),
          e.map((x) => JSON.stringify(x.evidence)),
        ],
      );
    }
    if (moved.length > 0) {
      await manager.query(
        `UPDATE asset_source_ids m SET match_method = 'moving'
           FROM unnest($1::text[], $2::text[]) AS t(source, source_asset_id)
          WHERE m.source = t.source AND m.source_asset_id = t.source_asset_id`,
        [moved.map((c) => c.source), moved.map((c) => c.sourceAssetId)],
      );
    }
    if (plan.changed.length > 0) {
      const c = plan.changed;
      await manager.query(
        `UPDATE asset_source_ids m SET asset_id = t.asset_id, match_method = t.match_method, confidence = t.confidence, updated_at = now()
           FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::numeric[]) AS t(source, source_asset_id, asset_id, match_method, confidence)
          WHERE m.source = t.source AND m.source_asset_id = t.source_asset_id`,
        [
          c.map((x) => x.source),
          c.map((x) => x.sourceAssetId),
          c.map((x) => x.assetId),
          c.map((x) => x.matchMethod),
          c.map((x) => x.confidence),
        ],
      );
    }
    if (plan.inserted.length > 0) {
      const m = plan.inserted;
      await manager.query(
        `INSERT INTO asset_source_ids (source, source_asset_id, asset_id, match_method, confidence, symbol, name, rank, match_symbol, evidence)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::int[], $9::text[], $10::jsonb[])`,
        [
          m.map((x) => x.source),
          m.map((x) => x.sourceAssetId),
          m.map((x) => x.assetId),
          m.map((x) => x.matchMethod),
          m.map((x) => x.confidence),
          m.map((x) => x.symbol),
          m.map((x) => x.name),
          m.map((x) => x.rank),
          m.map((x) => x.matchSymbol),
          m.map((x) => JSON.stringify(x.evidence)),
        ],
      );
    }
    if (moved.length > 0) await this.moveQuotes(manager, moved);
    if (plan.rekeyed.length > 0) {
      await manager.query(
        `UPDATE news_asset_mentions n SET asset_id = t.to_id
           FROM unnest($1::uuid[], $2::uuid[]) AS t(from_id, to_id)
          WHERE n.asset_id = t.from_id
            AND NOT EXISTS (SELECT 1 FROM news_asset_mentions x WHERE x.news_id = n.news_id AND x.asset_id = t.to_id)`,
        [plan.rekeyed.map((r) => r.from), plan.rekeyed.map((r) => r.to)],
      );
    }
    const retired = plan.rekeyed.filter((r) => plan.vacated.includes(r.from));
    if (retired.length > 0) await this.redirectRetiredIds(manager, retired);
    if (plan.vacated.length > 0) {
      // Quotes left on a vacated asset (they collided with the target's) go with it by cascade.
      const [deleting] = (await manager.query(
        `SELECT coalesce(array_agg(a.id), '{}') AS ids FROM assets a WHERE a.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM asset_source_ids m WHERE m.asset_id = a.id)`,
        [plan.vacated],
      )) as Array<{ ids: string[] }>;
      await subtractQuotesOfAssets(manager, deleting.ids);
      await manager.query(
        `DELETE FROM assets a WHERE a.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM asset_source_ids m WHERE m.asset_id = a.id)`,
        [plan.vacated],
      );
    }
  }

  /**
   * An id retired by a re-key keeps answering: an audited `rekey` entry (actor `identity`) and a
   * redirect to the new id, with earlier redirects to the retired id repointed (chains stay one hop).
   */
  private async redirectRetiredIds(
    manager: EntityManager,
    retired: Array<{ from: string; to: string }>,
  ): Promise<void> {
    await manager.query(
      `WITH t AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS t(from_id, to_id)),
       audit AS (
         INSERT INTO asset_identity_audit (action, asset_id, other_asset_id, actor, request, before, after, result)
         SELECT 'rekey', t.to_id, t.from_id, 'identity', '{}'::jsonb, jsonb_build_object('asset_id', t.from_id),
                jsonb_build_object('asset_id', t.to_id), jsonb_build_object('redirected_from', t.from_id)
           FROM t
         RETURNING id, asset_id, other_asset_id),
       repointed AS (
         UPDATE asset_redirects r SET to_asset_id = t.to_id, updated_at = now() FROM t WHERE r.to_asset_id = t.from_id)
       INSERT INTO asset_redirects (from_asset_id, to_asset_id, audit_id)
       SELECT a.other_asset_id, a.asset_id, a.id FROM audit a
       ON CONFLICT (from_asset_id) DO UPDATE SET to_asset_id = EXCLUDED.to_asset_id, audit_id = EXCLUDED.audit_id,
         updated_at = now()`,
      [retired.map((r) => r.from), retired.map((r) => r.to)],
    );
  }

  /**
   * Quotes follow their source id. Two passes: a swap of two ids frees the slot the other needs.
   * The latest quotes of every asset they left or joined are rebuilt in the same transaction.
   */
  private async moveQuotes(manager: EntityManager, moved: ChangedMapping[]): Promise<void> {
    for (let pass = 0; pass < 2; pass++) {
      await manager.query(
        `UPDATE market_quotes q SET asset_id = t.to_id, updated_at = now()
           FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[]) AS t(source, source_asset_id, from_id, to_id)
          WHERE q.source = t.source AND q.source_asset_id = t.source_asset_id AND q.asset_id = t.from_id
            AND NOT EXISTS (SELECT 1 FROM market_quotes x WHERE x.asset_id = t.to_id AND x.source = q.source AND x.observed_at = q.observed_at)`,
        [
          moved.map((c) => c.source),
          moved.map((c) => c.sourceAssetId),
          moved.map((c) => c.fromAssetId),
          moved.map((c) => c.assetId),
        ],
      );
    }
    await this.latestQuotes.recomputeForAssets(
      manager,
      moved.flatMap((c) => [c.fromAssetId, c.assetId]),
    );
    // The rollups of both assets follow, in this transaction.
    const pairs = new Map(moved.map((c) => [`${c.fromAssetId}\u0000${c.assetId}\u0000${c.source}`, c]));
    for (const c of pairs.values()) {
      await this.rollups.moveQuotes(manager, { fromAssetId: c.fromAssetId, toAssetId: c.assetId, source: c.source });
    }
  }

  /**
   * The identity epoch, share-locked until the transaction ends: a re-decision that moves ids waits
   * for this transaction, so quotes written from a cache validated here are never left behind.
   */
  async readEpochShared(manager: EntityManager): Promise<string> {
    const rows = (await manager.query(`SELECT value FROM identity_epoch WHERE id = 1 FOR SHARE`)) as Array<{
      value: string;
    }>;
    return rows[0]?.value ?? '0';
  }

  /** Renamed coins keep their asset: only the mapping's descriptive columns follow the source. */
  async refreshMappings(
    manager: EntityManager,
    rows: Array<{ source: string; sourceAssetId: string; symbol: string; name: string | null; rank: number | null }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE asset_source_ids m SET symbol = t.symbol, name = t.name, rank = t.rank, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS t(source, source_asset_id, symbol, name, rank)
        WHERE m.source = t.source AND m.source_asset_id = t.source_asset_id
          AND (m.symbol, m.name, m.rank) IS DISTINCT FROM (t.symbol, t.name, t.rank)`,
      [
        rows.map((r) => r.source),
        rows.map((r) => r.sourceAssetId),
        rows.map((r) => r.symbol),
        rows.map((r) => r.name),
        rows.map((r) => r.rank),
      ],
    );
  }

  async repointMapping(manager: EntityManager, { source, sourceAssetId, assetId }: MappingRepoint): Promise<boolean> {
    const result = (await manager.query(
      `UPDATE asset_source_ids SET asset_id = $3, match_method = 'manual', confidence = 1, updated_at = now()
        WHERE source = $1 AND source_asset_id = $2 RETURNING 1`,
      [source, sourceAssetId, assetId],
    )) as [unknown[], number];
    return result[1] > 0;
  }
}
