import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { clusterBlock, type BlockMember, type PlannedAsset } from './asset-clustering.js';
import { assetIdFor, normalizeSymbol, symbolOfKey } from './asset-naming.js';
import {
  AssetIdentityRepository,
  type BlockPlan,
  type BlockRow,
  type MatchEvidence,
  type MappingRow,
} from './asset-identity.repository.js';
import type { AssetCandidate } from './asset-candidate.js';
import type { AssetOverride } from './asset-overrides.js';
import type { ResolvedAssetCache } from './resolved-asset-cache.js';

// Declared apart so the run's cache can name it without importing this service (no import cycle).
export type { AssetCandidate } from './asset-candidate.js';

/** Map key of a resolved candidate. */
export function candidateKey(source: string, sourceAssetId: string): string {
  return `${source}\u0000${sourceAssetId}`;
}

export const ASSET_OVERRIDES = Symbol('ASSET_OVERRIDES');

/** Candidates to answer from their existing mappings, into `result` (and the run's cache when given). */
interface KnownAnswers {
  candidates: AssetCandidate[];
  result: Map<string, string>;
  cache?: ResolvedAssetCache;
}

/**
 * One canonical asset per real-world coin across sources. An id seen before keeps its asset until
 * its symbol block is decided again; a new id (or one first seen without a name, now named) makes
 * its symbol block be decided again from ALL the block's ids and the evidence each was first seen
 * with (`clusterBlock`), so the outcome does not depend on arrival order. See docs/IDENTITY.md.
 */
@Injectable()
export class AssetIdentityService {
  private readonly logger = new Logger(AssetIdentityService.name);

  constructor(
    private readonly repository: AssetIdentityRepository,
    @Optional() @Inject(ASSET_OVERRIDES) private readonly overrides: Map<string, AssetOverride> = new Map(),
  ) {}

  /**
   * The asset the run's cache holds for this candidate, if any: what `resolve` would answer without
   * the database. The ETL asks while the previous batch's transaction runs, so that its own
   * transaction only resolves the rest.
   */
  cachedAssetId(candidate: AssetCandidate, cache: ResolvedAssetCache): string | undefined {
    return cache.lookup(candidateKey(candidate.source, candidate.sourceAssetId), normalizedCandidate(candidate));
  }

  /**
   * Whether answers the run's cache gave this transaction still hold: false when a re-decision moved
   * source ids since the cache was filled (or the cache has not been checked yet). The cache is then
   * emptied and the caller resolves its batch again. Call it AFTER `resolve` in the transaction:
   * it share-locks the identity epoch until commit (see `AssetIdentityRepository.applyBlockPlan`).
   */
  async cacheStillValid(manager: EntityManager, cache: ResolvedAssetCache): Promise<boolean> {
    const epoch = await this.repository.readEpochShared(manager);
    if (cache.epoch === epoch) return true;
    cache.reset(epoch);
    return false;
  }

  /**
   * Resolves every candidate to an asset id (keyed by `candidateKey`). With a `cache`, candidates
   * resolved earlier in the run are answered from it, and results are staged into it.
   */
  async resolve(
    manager: EntityManager,
    candidates: AssetCandidate[],
    cache?: ResolvedAssetCache,
  ): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const unique = new Map<string, AssetCandidate>();
    for (const c of candidates) unique.set(candidateKey(c.source, c.sourceAssetId), normalizedCandidate(c));
    if (cache) {
      for (const [key, c] of unique) {
        const cached = cache.lookup(key, c);
        if (cached === undefined) continue;
        result.set(key, cached);
        unique.delete(key);
      }
      if (unique.size === 0) return result;
    }
    const pending = await this.answerKnown(manager, { candidates: [...unique.values()], result, cache });
    if (pending.length === 0) return result;

    // Deciding: serialise per symbol block, then read the blocks (and look again: another
    // transaction may have mapped some of these ids while we waited for the locks).
    const blocks = [...new Set(pending.map((c) => this.blockOf(c)))].sort();
    await this.repository.lockSymbols(manager, blocks);
    const rows = await this.repository.findBlockMembers(manager, blocks);
    const known = new Map(rows.map((r) => [candidateKey(r.source, r.source_asset_id), r]));
    const decide = pending.filter((c) => {
      const row = known.get(candidateKey(c.source, c.sourceAssetId));
      if (!row || (isProvisional(row) && c.name !== null)) return true;
      result.set(candidateKey(c.source, c.sourceAssetId), row.asset_id);
      return false;
    });
    if (decide.length === 0) return result;

    const plan = this.planBlocks(blocks, rows, decide);
    await this.repository.applyBlockPlan(manager, plan.write);
    for (const c of decide) {
      const key = candidateKey(c.source, c.sourceAssetId);
      const assetId = plan.assetOf.get(key)!;
      result.set(key, assetId);
      cache?.stage(key, c, assetId);
    }
    const flagged = plan.write.assets.filter((a) => a.needsReview);
    if (flagged.length > 0) {
      const examples = flagged.slice(0, 5).map((a) => a.reviewReason);
      this.logger.warn({ count: flagged.length, examples }, 'assets flagged for review (not merged: match unproven)');
    }
    const moved = plan.write.changed.filter((m) => m.fromAssetId !== m.assetId).length;
    if (moved > 0) {
      const vacated = plan.write.vacated.length;
      this.logger.log({ moved, vacated }, 'identity re-decided: source ids moved to other assets');
    }
    return result;
  }

  /** Answers ids already mapped; returns the candidates that need a decision. */
  private async answerKnown(
    manager: EntityManager,
    { candidates: list, result, cache }: KnownAnswers,
  ): Promise<AssetCandidate[]> {
    const pending: AssetCandidate[] = [];
    for (const [source, group] of groupBy(list, (c) => c.source)) {
      const existing = await this.repository.findMappings(
        manager,
        source,
        group.map((c) => c.sourceAssetId),
      );
      const bySourceId = new Map<string, MappingRow>(existing.map((m) => [m.source_asset_id, m]));
      const refresh: AssetCandidate[] = [];
      for (const c of group) {
        const m = bySourceId.get(c.sourceAssetId);
        // Unknown, or first seen as a bare ticker and now named: decide its block again.
        if (!m || (m.provisional && c.name !== null)) {
          pending.push(c);
          continue;
        }
        const key = candidateKey(source, c.sourceAssetId);
        result.set(key, m.asset_id);
        cache?.stage(key, c, m.asset_id);
        // Renamed coins keep their asset: only the descriptive columns follow the source.
        if (m.symbol !== c.symbol || m.name !== c.name || m.rank !== c.rank) refresh.push(c);
      }
      await this.repository.refreshMappings(manager, refresh);
    }
    return pending;
  }

  /** The symbol block an id is decided in: its symbol, or its override key's. */
  private blockOf(c: { source: string; sourceAssetId: string; symbol: string }): string {
    const override = this.overrides.get(candidateKey(c.source, c.sourceAssetId));
    return override ? symbolOfKey(override.assetKey) : c.symbol;
  }

  /** Decides the blocks again from their stored members and the new candidates; returns what to write. */
  private planBlocks(
    blocks: string[],
    rows: BlockRow[],
    decide: AssetCandidate[],
  ): { write: BlockPlan; assetOf: Map<string, string> } {
    const members = new Map<string, BlockMember>();
    for (const r of rows) members.set(candidateKey(r.source, r.source_asset_id), this.memberOfRow(r));
    const fresh = new Map<string, AssetCandidate>();
    for (const c of decide) {
      const key = candidateKey(c.source, c.sourceAssetId);
      fresh.set(key, c);
      const overrideKey = this.overrides.get(key)?.assetKey ?? null;
      const frozen = members.get(key)?.frozen ?? null;
      members.set(key, { ...recordOf(c), symbol: this.blockOf(c), overrideKey, frozen });
    }
    const byBlock = groupBy([...members.values()], (m) => m.symbol);
    const rowOf = new Map(rows.map((r) => [candidateKey(r.source, r.source_asset_id), r]));
    const write: BlockPlan = { assets: [], inserted: [], changed: [], vacated: [], rekeyed: [], evidence: [] };
    const assetOf = new Map<string, string>();
    const destinations = new Map<string, Set<string>>();
    for (const block of blocks) {
      for (const asset of clusterBlock(block, byBlock.get(block) ?? [])) {
        const id = asset.frozenId ?? assetIdFor(asset.key);
        if (!asset.frozenId) write.assets.push(newAssetOf(id, asset));
        for (const m of asset.members) {
          const key = candidateKey(m.source, m.sourceAssetId);
          assetOf.set(key, id);
          const row = rowOf.get(key);
          const c = fresh.get(key);
          if (!row) {
            write.inserted.push({
              source: m.source,
              sourceAssetId: m.sourceAssetId,
              assetId: id,
              matchMethod: m.method ?? 'new',
              confidence: m.confidence,
              symbol: c!.symbol,
              name: c!.name,
              rank: c!.rank,
              matchSymbol: block,
              evidence: evidenceOf(c!),
            });
            continue;
          }
          if (c) {
            const evidence = evidenceOf(c);
            write.evidence.push({ source: m.source, sourceAssetId: m.sourceAssetId, matchSymbol: block, evidence });
          }
          if (!destinations.has(row.asset_id)) destinations.set(row.asset_id, new Set());
          destinations.get(row.asset_id)!.add(id);
          if (m.method === null) continue;
          if (row.asset_id !== id || row.match_method !== m.method || Number(row.confidence) !== m.confidence) {
            write.changed.push({
              source: m.source,
              sourceAssetId: m.sourceAssetId,
              fromAssetId: row.asset_id,
              assetId: id,
              matchMethod: m.method,
              confidence: m.confidence,
            });
          }
        }
      }
    }
    const kept = new Set(assetOf.values());
    for (const [from, to] of destinations) {
      if (kept.has(from)) continue;
      write.vacated.push(from);
      if (to.size === 1) write.rekeyed.push({ from, to: [...to][0] });
    }
    return { write, assetOf };
  }

  private memberOfRow(r: BlockRow): BlockMember {
    const e = r.evidence ?? {};
    const frozen = r.frozen
      ? { assetId: r.asset_id, assetKey: r.asset_key, needsReview: r.needs_review, reviewReason: r.review_reason }
      : null;
    return {
      source: r.source,
      sourceAssetId: r.source_asset_id,
      symbol: r.match_symbol,
      name: e.name ?? null,
      rank: e.rank ?? null,
      priceUsd: e.price ?? null,
      marketCapUsd: e.cap ?? null,
      observedAt: e.at ?? null,
      crosswalkKey: e.crosswalkKey ?? null,
      overrideKey: this.overrides.get(candidateKey(r.source, r.source_asset_id))?.assetKey ?? null,
      frozen,
    };
  }
}

function isProvisional(row: BlockRow): boolean {
  return (row.evidence?.name ?? null) === null && !row.frozen && row.match_method !== 'override';
}

function newAssetOf(id: string, a: PlannedAsset) {
  return {
    id,
    assetKey: a.key,
    symbol: a.symbol,
    name: a.name,
    rank: a.rank,
    needsReview: a.needsReview,
    reviewReason: a.reviewReason,
  };
}

function amount(v: string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function recordOf(c: AssetCandidate): Omit<BlockMember, 'overrideKey' | 'frozen'> {
  return {
    source: c.source,
    sourceAssetId: c.sourceAssetId,
    symbol: c.symbol,
    name: c.name,
    rank: c.rank,
    priceUsd: amount(c.priceUsd),
    marketCapUsd: amount(c.marketCapUsd),
    observedAt: c.observedAt?.getTime() ?? null,
    crosswalkKey: c.crosswalkKey ?? null,
  };
}

function evidenceOf(c: AssetCandidate): MatchEvidence {
  const r = recordOf(c);
  return {
    name: r.name,
    rank: r.rank,
    price: r.priceUsd,
    cap: r.marketCapUsd,
    at: r.observedAt,
    crosswalkKey: r.crosswalkKey,
  };
}

function normalizedCandidate(c: AssetCandidate): AssetCandidate {
  return { ...c, symbol: normalizeSymbol(c.symbol), name: c.name?.trim() || null };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
