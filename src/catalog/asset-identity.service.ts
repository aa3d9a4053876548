import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assetIdFor, assetKeyFor, crosswalkKey, isolatedAssetKey, isVariantName, normalizeSymbol } from './asset-naming.js';
import { bestMatch, type KnownAsset, type Match } from './asset-matching.js';
import { AssetIdentityRepository, type NewAsset, type NewMapping } from './asset-identity.repository.js';
import type { AssetOverride } from './asset-overrides.js';
import type { ResolvedAssetCache } from './resolved-asset-cache.js';

export interface AssetCandidate {
  source: string;
  sourceAssetId: string;
  symbol: string;
  name: string | null;
  rank: number | null;
}

/** Map key of a resolved candidate. */
export function candidateKey(source: string, sourceAssetId: string): string {
  return `${source}\u0000${sourceAssetId}`;
}

export const ASSET_OVERRIDES = Symbol('ASSET_OVERRIDES');

/**
 * One canonical asset per real-world coin across sources. Order of resolution: an existing mapping
 * wins (renamed coins keep their asset); then a manual override; then the exact id crosswalk;
 * then symbol + name similarity with market-cap rank as tie-breaker; else a new asset — flagged
 * `needs_review` when a plausible but unproven match exists. See docs/IDENTITY.md.
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
   * Resolves every candidate to an asset id (keyed by `candidateKey`). With a `cache`, candidates
   * resolved earlier in the run are answered from it, and confident results are staged into it.
   */
  async resolve(manager: EntityManager, candidates: AssetCandidate[], cache?: ResolvedAssetCache): Promise<Map<string, string>> {
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
    const unresolved: AssetCandidate[] = [];
    const provisional = new Map<string, string>();

    for (const [source, list] of groupBy([...unique.values()], (c) => c.source)) {
      const existing = await this.repository.findMappings(manager, source, list.map((c) => c.sourceAssetId));
      const bySourceId = new Map(existing.map((m) => [m.source_asset_id, m]));
      const refresh: Array<{ source: string; sourceAssetId: string; symbol: string; name: string | null; rank: number | null }> = [];
      for (const c of list) {
        const m = bySourceId.get(c.sourceAssetId);
        if (!m) {
          unresolved.push(c);
          continue;
        }
        if (m.provisional && c.name !== null) {
          // First seen as a bare symbol; now named: decide again, and move it if the match is confident.
          provisional.set(candidateKey(source, c.sourceAssetId), m.asset_id);
          unresolved.push(c);
          continue;
        }
        result.set(candidateKey(source, c.sourceAssetId), m.asset_id);
        if (!m.provisional) cache?.stage(candidateKey(source, c.sourceAssetId), c, m.asset_id);
        if (m.symbol !== c.symbol || m.name !== c.name || m.rank !== c.rank) refresh.push(c);
      }
      await this.repository.refreshMappings(manager, refresh);
    }
    if (unresolved.length === 0) return result;
    // Creating assets: serialise per symbol, then look again (another transaction may just have
    // mapped some of these ids while we waited for the lock).
    await this.repository.lockSymbols(manager, [...new Set(unresolved.map((c) => c.symbol))]);
    for (const [source, list] of groupBy(unresolved.filter((c) => !provisional.has(candidateKey(c.source, c.sourceAssetId))), (c) => c.source)) {
      for (const m of await this.repository.findMappings(manager, source, list.map((c) => c.sourceAssetId))) {
        result.set(candidateKey(source, m.source_asset_id), m.asset_id);
      }
    }
    for (let i = unresolved.length - 1; i >= 0; i--) {
      const c = unresolved[i];
      if (!provisional.has(candidateKey(c.source, c.sourceAssetId)) && result.has(candidateKey(c.source, c.sourceAssetId))) unresolved.splice(i, 1);
    }
    if (unresolved.length === 0) return result;

    // Deterministic order: named candidates first, best rank first, then by id.
    unresolved.sort((a, b) => Number(b.name !== null) - Number(a.name !== null) || (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.source.localeCompare(b.source) || a.sourceAssetId.localeCompare(b.sourceAssetId));
    const pool = await this.loadPool(manager, unresolved);
    const newAssets = new Map<string, NewAsset>();
    const mappings: NewMapping[] = [];
    const overrideKeys = unresolved.map((c) => this.overrides.get(candidateKey(c.source, c.sourceAssetId))?.assetKey).filter((k): k is string => !!k);
    const overrideIds = await this.repository.findAssetIdsByKeys(manager, overrideKeys);

    const promotions: Array<Parameters<AssetIdentityRepository['promoteMapping']>[1]> = [];
    const provisionalKeys = new Set<string>();
    for (const c of unresolved) {
      const decision = this.decide(c, pool, overrideIds);
      const previous = provisional.get(candidateKey(c.source, c.sourceAssetId));
      if (previous !== undefined) {
        if (decision.create?.needsReview || decision.assetId === previous || decision.confidence < 0.85) {
          result.set(candidateKey(c.source, c.sourceAssetId), previous);
          continue;
        }
        promotions.push({ source: c.source, sourceAssetId: c.sourceAssetId, fromAssetId: previous, toAssetId: decision.assetId, matchMethod: decision.method, confidence: decision.confidence });
      }
      if (decision.create) {
        newAssets.set(decision.create.assetKey, decision.create);
        addToPool(pool, { id: decision.create.id, assetKey: decision.create.assetKey, symbol: decision.create.symbol, name: decision.create.name, rank: decision.create.rank, needsReview: decision.create.needsReview, names: new Set(c.name ? [c.name] : []), crosswalkKeys: new Set() });
      }
      const target = pool.get(c.symbol)?.find((a) => a.id === decision.assetId);
      const cross = crosswalkKey(c.source, c.sourceAssetId, c.symbol);
      if (target && cross) target.crosswalkKeys.add(cross);
      if (target && c.name) target.names.add(c.name);
      mappings.push({ source: c.source, sourceAssetId: c.sourceAssetId, assetId: decision.assetId, matchMethod: decision.method, confidence: decision.confidence, symbol: c.symbol, name: c.name, rank: c.rank });
      if (decision.method === 'new' && (decision.create?.needsReview ?? target?.needsReview)) provisionalKeys.add(candidateKey(c.source, c.sourceAssetId));
    }

    await this.repository.insertAssets(manager, [...newAssets.values()]);
    const inserted = await this.repository.insertMappings(manager, mappings);
    for (const m of mappings) {
      const key = candidateKey(m.source, m.sourceAssetId);
      if (!inserted.has(key)) continue;
      result.set(key, m.assetId);
      const c = unique.get(key);
      if (c && !provisionalKeys.has(key)) cache?.stage(key, c, m.assetId);
    }
    for (const p of promotions) {
      await this.repository.promoteMapping(manager, p);
      result.set(candidateKey(p.source, p.sourceAssetId), p.toAssetId);
      this.logger.log({ source: p.source, sourceAssetId: p.sourceAssetId, method: p.matchMethod, confidence: p.confidence }, 'provisional asset mapping promoted to a confident match');
    }
    // A mapping another transaction wrote first stands: read back the ids whose insert conflicted.
    const contested = unresolved.filter((c) => !result.has(candidateKey(c.source, c.sourceAssetId)));
    for (const [source, list] of groupBy(contested, (c) => c.source)) {
      for (const m of await this.repository.findMappings(manager, source, list.map((c) => c.sourceAssetId))) {
        const key = candidateKey(source, m.source_asset_id);
        result.set(key, m.asset_id);
        const c = unique.get(key);
        if (c && !m.provisional) cache?.stage(key, c, m.asset_id);
      }
    }
    const flagged = [...newAssets.values()].filter((a) => a.needsReview);
    if (flagged.length > 0) this.logger.warn({ count: flagged.length, examples: flagged.slice(0, 5).map((a) => a.reviewReason) }, 'assets created for review (not merged: low confidence)');
    return result;
  }

  private decide(c: AssetCandidate, pool: Map<string, KnownAsset[]>, overrideIds: Map<string, string>): { assetId: string; method: string; confidence: number; create?: NewAsset } {
    const override = this.overrides.get(candidateKey(c.source, c.sourceAssetId));
    if (override) {
      const id = overrideIds.get(override.assetKey) ?? pool.get(c.symbol)?.find((a) => a.assetKey === override.assetKey)?.id;
      if (id) return { assetId: id, method: 'override', confidence: 1 };
      return { assetId: assetIdFor(override.assetKey), method: 'override', confidence: 1, create: newAsset(override.assetKey, c, false, null) };
    }
    const sameSymbol = pool.get(c.symbol) ?? [];
    if (c.name !== null) {
      const key = assetKeyFor(c.symbol, c.name);
      const exact = sameSymbol.find((a) => a.assetKey === key && !a.needsReview);
      if (exact) return { assetId: exact.id, method: 'symbol_name', confidence: 1 };
    }
    const { match, nearest } = bestMatch(c, sameSymbol);
    if (match) return fromMatch(match);
    if (c.name === null) {
      const known = sameSymbol.filter((a) => !isVariantName(a.name) && !a.needsReview);
      const reason = known.length > 0
        ? `${c.source} gives symbol ${c.symbol} without a name: not merged with ${known.map((a) => a.assetKey).join(', ')} (confidence too low)`
        : `${c.source} gives symbol ${c.symbol} without a name`;
      const key = isolatedAssetKey(c.symbol, c.source, c.sourceAssetId);
      return { assetId: assetIdFor(key), method: 'new', confidence: 0.5, create: newAsset(key, c, true, reason) };
    }
    if (nearest) {
      const key = isolatedAssetKey(c.symbol, c.source, c.sourceAssetId);
      const reason = `symbol ${c.symbol} shared with asset ${nearest.asset.assetKey} ("${nearest.asset.name}"), name similarity ${nearest.score} below the merge threshold`;
      return { assetId: assetIdFor(key), method: 'new', confidence: nearest.score, create: newAsset(key, c, true, reason) };
    }
    const key = assetKeyFor(c.symbol, c.name);
    return { assetId: assetIdFor(key), method: 'new', confidence: 1, create: newAsset(key, c, false, null) };
  }

  private async loadPool(manager: EntityManager, candidates: AssetCandidate[]): Promise<Map<string, KnownAsset[]>> {
    const rows = await this.repository.findAssetsBySymbols(manager, [...new Set(candidates.map((c) => c.symbol))]);
    const pool = new Map<string, KnownAsset[]>();
    for (const r of rows) {
      addToPool(pool, {
        id: r.id, assetKey: r.asset_key, symbol: r.symbol, name: r.name, rank: r.rank, needsReview: r.needs_review,
        names: new Set(r.mappings.map((m) => m.name).filter((n): n is string => !!n)),
        crosswalkKeys: new Set(r.mappings.map((m) => crosswalkKey(m.source, m.source_asset_id, r.symbol)).filter((k): k is string => k !== null)),
      });
    }
    return pool;
  }
}

function fromMatch(m: Match): { assetId: string; method: string; confidence: number } {
  return { assetId: m.asset.id, method: m.method, confidence: m.confidence };
}

function newAsset(assetKey: string, c: AssetCandidate, needsReview: boolean, reason: string | null): NewAsset {
  return { id: assetIdFor(assetKey), assetKey, symbol: c.symbol, name: c.name ?? c.symbol, rank: c.rank, needsReview, reviewReason: reason };
}

function addToPool(pool: Map<string, KnownAsset[]>, asset: KnownAsset): void {
  const list = pool.get(asset.symbol) ?? [];
  list.push(asset);
  pool.set(asset.symbol, list);
}

function normalizedCandidate(c: AssetCandidate): AssetCandidate {
  return { source: c.source, sourceAssetId: c.sourceAssetId, symbol: normalizeSymbol(c.symbol), name: c.name?.trim() || null, rank: c.rank };
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
