import { distance } from 'fastest-levenshtein';
import { assetIdFor, assetKeyFor, crosswalkKey, isolatedAssetKey, isVariantName, normalizeName } from './asset-naming.js';

/** At or above this confidence a candidate is merged into an existing asset; below, it is not. */
export const MERGE_THRESHOLD = 0.85;
/** Rank-assisted matches need at least this name similarity before rank proximity can lift them. */
export const RANK_ASSIST_FLOOR = 0.75;
/** What rank proximity adds to a name similarity in [RANK_ASSIST_FLOOR, MERGE_THRESHOLD). */
export const RANK_BONUS = 0.1;
/** Crosswalk hit whose names differ (`USDC` / `USD Coin`); 1 when the names agree too. */
export const CROSSWALK_CONFIDENCE = 0.97;
/** A bare ticker attached to the only coin using it: plausible, never certain. */
export const SYMBOL_ONLY_CONFIDENCE = 0.7;

export type MatchMethod = 'override' | 'crosswalk' | 'symbol_name' | 'symbol_name_rank' | 'symbol_only' | 'new';

export interface MatchCandidate {
  source: string;
  sourceAssetId: string;
  /** Upper case, trimmed. */
  symbol: string;
  /** Trimmed; null when the source gives none. */
  name: string | null;
  rank: number | null;
}

/** An asset already known (stored or created earlier in the batch), with what its mappings say. */
export interface KnownAsset {
  id: string;
  assetKey: string;
  symbol: string;
  name: string;
  /** Best (lowest) market-cap rank the asset or its mappings report. */
  rank: number | null;
  needsReview: boolean;
  /** Every name its mappings use (`BNB`, `Binance Coin`). */
  names: Set<string>;
  /** Crosswalk keys of the source ids mapped to it. */
  crosswalkKeys: Set<string>;
  /** `source -> source ids` mapped to it: one provider never maps two of its own ids to one asset. */
  sourceIds: Map<string, Set<string>>;
}

export interface NewAssetSpec {
  id: string;
  assetKey: string;
  symbol: string;
  name: string;
  rank: number | null;
  needsReview: boolean;
  reviewReason: string | null;
}

export interface Decision {
  assetId: string;
  method: MatchMethod;
  confidence: number;
  /** Set when the decision creates this asset. */
  create?: NewAssetSpec;
}

/** Is this asset a placeholder for a bare ticker (no name) or an id that could not be placed? */
export function isIsolated(asset: KnownAsset): boolean {
  return asset.assetKey.includes(':~');
}

/**
 * Similarity of two names in [0, 1]: normalised edit distance or token overlap, whichever is
 * higher, except that a name wholly contained in a longer one ("Bitcoin" in "Bitcoin Cash") scores
 * the lower of the two: it names a different coin, not a spelling of the same one.
 */
export function nameSimilarity(a: string, b: string): number {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (na === nb) return na === '' ? 0 : 1;
  const longest = Math.max(na.length, nb.length);
  const edit = 1 - distance(na, nb) / longest;
  const ta = new Set(na.split(' ').filter(Boolean));
  const tb = new Set(nb.split(' ').filter(Boolean));
  const shared = [...ta].filter((t) => tb.has(t)).length;
  const jaccard = shared / new Set([...ta, ...tb]).size;
  const contained = shared > 0 && shared === Math.min(ta.size, tb.size) && ta.size !== tb.size;
  return round3(contained ? Math.min(edit, jaccard) : Math.max(edit, jaccard));
}

/** Market-cap ranks within 5% of each other (at least 2 places): the same coin seen by two providers. */
export function ranksClose(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(a - b) <= Math.max(2, Math.round(Math.min(a, b) * 0.05));
}

function mapsOtherIdOfSource(asset: KnownAsset, c: MatchCandidate): boolean {
  const ids = asset.sourceIds.get(c.source);
  return ids !== undefined && [...ids].some((id) => id !== c.sourceAssetId);
}

function bestNameSimilarity(name: string, asset: KnownAsset): number {
  return Math.max(nameSimilarity(name, asset.name), ...[...asset.names].map((n) => nameSimilarity(name, n)));
}

function assetIsVariant(asset: KnownAsset): boolean {
  return isVariantName(asset.name) || [...asset.names].some(isVariantName);
}

interface Scored {
  asset: KnownAsset;
  similarity: number;
  confidence: number;
  method: 'symbol_name' | 'symbol_name_rank';
}

function score(c: MatchCandidate & { name: string }, asset: KnownAsset): Scored {
  const similarity = bestNameSimilarity(c.name, asset);
  if (similarity < MERGE_THRESHOLD && similarity >= RANK_ASSIST_FLOOR && ranksClose(c.rank, asset.rank)) {
    return { asset, similarity, confidence: round3(similarity + RANK_BONUS), method: 'symbol_name_rank' };
  }
  return { asset, similarity, confidence: similarity, method: 'symbol_name' };
}

function rankGap(c: MatchCandidate, a: KnownAsset): number {
  return c.rank !== null && a.rank !== null ? Math.abs(c.rank - a.rank) : Number.MAX_SAFE_INTEGER;
}

/**
 * Decides the asset of one candidate that has no mapping yet, given the assets that share its
 * symbol (`sameSymbol`) and the asset its manual override names, if any. Pure and deterministic.
 * Order: override, exact id crosswalk, same symbol + name (exact key, then similarity with
 * market-cap rank as tie-breaker), bare-ticker attach, else a new asset — flagged for review when
 * it shares its symbol with an asset it could not be told apart from. See docs/IDENTITY.md.
 */
export function decideIdentity(c: MatchCandidate, sameSymbol: KnownAsset[], override?: { assetKey: string; assetId?: string }): Decision {
  if (override) {
    const assetId = override.assetId ?? sameSymbol.find((a) => a.assetKey === override.assetKey)?.id;
    if (assetId) return { assetId, method: 'override', confidence: 1 };
    return create(c, override.assetKey, 'override', 1, null);
  }
  const eligible = sameSymbol.filter((a) => !isIsolated(a) && !mapsOtherIdOfSource(a, c));
  const cross = crosswalkKey(c.source, c.sourceAssetId, c.symbol);
  // Provider ids are exact: a crosswalk hit beats name heuristics (USDC is "USD Coin" on CoinPaprika).
  const crossHit = cross === null ? undefined : eligible.filter((a) => a.crosswalkKeys.has(cross)).sort(byKey)[0];
  if (crossHit) {
    const sameName = c.name !== null && bestNameSimilarity(c.name, crossHit) === 1;
    return { assetId: crossHit.id, method: 'crosswalk', confidence: sameName ? 1 : CROSSWALK_CONFIDENCE };
  }
  return c.name === null ? decideBareTicker(c, sameSymbol, eligible) : decideNamed({ ...c, name: c.name }, sameSymbol, eligible);
}

function decideNamed(c: MatchCandidate & { name: string }, sameSymbol: KnownAsset[], eligible: KnownAsset[]): Decision {
  const key = assetKeyFor(c.symbol, c.name);
  const exact = eligible.find((a) => a.assetKey === key);
  if (exact) return { assetId: exact.id, method: 'symbol_name', confidence: 1 };

  const variant = isVariantName(c.name);
  // A wrapped/bridged/staked coin is never its underlying, however alike the names.
  const comparable = eligible.filter((a) => assetIsVariant(a) === variant);
  const scored = comparable.map((a) => score(c, a)).sort(
    (x, y) => y.confidence - x.confidence || rankGap(c, x.asset) - rankGap(c, y.asset) || byKey(x.asset, y.asset),
  );
  const best = scored[0];
  if (best && best.confidence >= MERGE_THRESHOLD) {
    const tiedOnName = scored.length > 1 && scored[1].confidence === best.confidence;
    return { assetId: best.asset.id, method: tiedOnName ? 'symbol_name_rank' : best.method, confidence: best.confidence };
  }

  const keyTaken = sameSymbol.find((a) => a.assetKey === key);
  if (keyTaken) {
    // Same ticker and name as an asset this provider already maps another id to: a second coin.
    const other = [...(keyTaken.sourceIds.get(c.source) ?? [])].sort()[0];
    const reason = `${c.source} maps another id (${other}) to ${key}: ${c.sourceAssetId} has the same symbol and name but is a different ${c.source} coin`;
    return create(c, isolatedAssetKey(c.symbol, c.source, c.sourceAssetId), 'new', 1, reason);
  }
  if (best) {
    const reason = `symbol ${c.symbol} shared with asset ${best.asset.assetKey} ("${best.asset.name}"), name similarity ${best.similarity} below the merge threshold ${MERGE_THRESHOLD}`;
    return create(c, key, 'new', 1, reason);
  }
  return create(c, key, 'new', 1, null);
}

function decideBareTicker(c: MatchCandidate, sameSymbol: KnownAsset[], eligible: KnownAsset[]): Decision {
  const named = sameSymbol.filter((a) => !isIsolated(a) && !assetIsVariant(a));
  const target = named.length === 1 && !named[0].needsReview && eligible.includes(named[0]) ? named[0] : undefined;
  if (target) return { assetId: target.id, method: 'symbol_only', confidence: SYMBOL_ONLY_CONFIDENCE };
  const reason = named.length > 1
    ? `${c.source} gives symbol ${c.symbol} without a name and ${named.length} assets use that symbol (${named.map((a) => a.assetKey).sort().join(', ')})`
    : `${c.source} gives symbol ${c.symbol} without a name${named.length === 1 ? ` and ${named[0].assetKey} cannot take it` : ' and no named asset uses that symbol yet'}`;
  return create(c, isolatedAssetKey(c.symbol, c.source, c.sourceAssetId), 'new', SYMBOL_ONLY_CONFIDENCE, reason);
}

function create(c: MatchCandidate, assetKey: string, method: MatchMethod, confidence: number, reviewReason: string | null): Decision {
  const id = assetIdFor(assetKey);
  return {
    assetId: id,
    method,
    confidence,
    create: { id, assetKey, symbol: c.symbol, name: c.name ?? c.symbol, rank: c.rank, needsReview: reviewReason !== null, reviewReason },
  };
}

function byKey(a: KnownAsset, b: KnownAsset): number {
  return a.assetKey < b.assetKey ? -1 : a.assetKey > b.assetKey ? 1 : 0;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
