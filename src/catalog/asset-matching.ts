import { distance } from 'fastest-levenshtein';
import { crosswalkKey, isVariantName, normalizeName } from './asset-naming.js';

/** Below this, a candidate is not merged with an existing asset. */
export const MERGE_THRESHOLD = 0.85;
/** Between this and MERGE_THRESHOLD a candidate is plausible but unproven: its own asset, flagged for review. */
export const REVIEW_THRESHOLD = 0.5;

export interface KnownAsset {
  id: string;
  assetKey: string;
  symbol: string;
  name: string;
  rank: number | null;
  /** Awaiting review: never a match target (its identity is itself unproven). */
  needsReview: boolean;
  /** Every name the sources mapped to it use (`BNB`, `Binance Coin`). */
  names: Set<string>;
  /** Crosswalk keys of the source ids already mapped to it. */
  crosswalkKeys: Set<string>;
}

export interface MatchCandidate {
  source: string;
  sourceAssetId: string;
  symbol: string;
  name: string | null;
  rank: number | null;
}

export type MatchMethod = 'crosswalk' | 'symbol_name' | 'symbol_name_rank';

export interface Match {
  asset: KnownAsset;
  method: MatchMethod;
  confidence: number;
}

/** Similarity of two normalised names in [0, 1]: edit distance or token overlap, whichever is higher. */
export function nameSimilarity(a: string, b: string): number {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (na === nb) return 1;
  const longest = Math.max(na.length, nb.length);
  const edit = longest === 0 ? 0 : 1 - distance(na, nb) / longest;
  const ta = new Set(na.split(' '));
  const tb = new Set(nb.split(' '));
  const inter = [...ta].filter((t) => tb.has(t)).length;
  const jaccard = inter / new Set([...ta, ...tb]).size;
  // "Bitcoin" vs "Bitcoin Cash": one name inside the other is a DIFFERENT coin, not a near match.
  const contained = inter === Math.min(ta.size, tb.size) && ta.size !== tb.size;
  return round3(contained ? Math.min(edit, jaccard) : Math.max(edit, jaccard));
}

function rankClose(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(a - b) <= Math.max(2, Math.round(Math.min(a, b) * 0.05));
}

/**
 * The best existing asset for a candidate among assets sharing its symbol, or the best plausible
 * one (below the merge threshold) for review. Variants never match non-variants.
 */
export function bestMatch(candidate: MatchCandidate, sameSymbol: KnownAsset[]): { match?: Match; nearest?: { asset: KnownAsset; score: number } } {
  const cross = crosswalkKey(candidate.source, candidate.sourceAssetId, candidate.symbol);
  const scored: Match[] = [];
  for (const asset of sameSymbol) {
    if (asset.needsReview) continue;
    // Provider ids are exact: a crosswalk hit beats any name heuristics (WETH is "Wrapped Ether" on one side).
    if (cross && asset.crosswalkKeys.has(cross)) {
      scored.push({ asset, method: 'crosswalk', confidence: 0.98 });
      continue;
    }
    if (candidate.name !== null && isVariantName(candidate.name) !== [asset.name, ...asset.names].some(isVariantName)) continue;
    if (candidate.name === null) continue;
    const sim = Math.max(...[asset.name, ...asset.names].map((n) => nameSimilarity(candidate.name!, n)));
    if (rankClose(candidate.rank, asset.rank) && sim >= REVIEW_THRESHOLD - 0.2) {
      scored.push({ asset, method: 'symbol_name_rank', confidence: round3(Math.min(1, Math.max(sim, 0.7) + 0.15)) });
    } else {
      scored.push({ asset, method: 'symbol_name', confidence: sim });
    }
  }
  scored.sort((a, b) => b.confidence - a.confidence || rankDistance(candidate, a.asset) - rankDistance(candidate, b.asset) || a.asset.assetKey.localeCompare(b.asset.assetKey));
  const best = scored[0];
  if (!best) return {};
  if (best.confidence >= MERGE_THRESHOLD) return { match: best };
  return best.confidence >= REVIEW_THRESHOLD ? { nearest: { asset: best.asset, score: best.confidence } } : {};
}

function rankDistance(c: MatchCandidate, a: KnownAsset): number {
  return c.rank !== null && a.rank !== null ? Math.abs(c.rank - a.rank) : Number.MAX_SAFE_INTEGER;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
