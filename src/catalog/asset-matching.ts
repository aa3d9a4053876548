import { distance } from 'fastest-levenshtein';
import { isVariantName, normalizeName } from './asset-naming.js';

/** Below this, two records are not merged. */
export const MERGE_THRESHOLD = 0.85;
/** Between this and MERGE_THRESHOLD two records are plausibly one coin but unproven: flagged for review. */
export const REVIEW_THRESHOLD = 0.5;

/** Prices of one coin on two providers at about the same time agree within this (relative). */
const PRICE_AGREE = 0.01;
/** Prices further apart than this at about the same time are two different coins. */
const PRICE_CONTRADICT = 0.1;
/** Market caps agree within this (providers count circulating supply differently). */
const CAP_AGREE = 0.15;
/** Market data is compared only between observations this close in time. */
const SAME_TIME_MS = 60 * 60 * 1000;

/**
 * What one source says about one of its coins, as first seen: the evidence identity is decided on.
 * Pairwise decisions read only two of these, so they do not depend on arrival order.
 */
export interface MatchRecord {
  source: string;
  sourceAssetId: string;
  symbol: string;
  name: string | null;
  rank: number | null;
  priceUsd: number | null;
  marketCapUsd: number | null;
  /** Epoch ms of the observation the market data comes from. */
  observedAt: number | null;
  /** The plugin's provider-independent key (CanonicalQuote.crosswalkKey), if any. */
  crosswalkKey: string | null;
}

export type MatchMethod = 'crosswalk' | 'symbol_name' | 'symbol_name_market' | 'symbol_market';

/**
 * The verdict on two records of different sources sharing a symbol. `never`: they cannot be one
 * coin (nor sit in one asset through a third record); `review`: plausible, unproven; `none`: no
 * evidence either way. `score` orders matches (value agreement breaks ties between equal names).
 */
export type PairVerdict =
  | { kind: 'match'; method: MatchMethod; score: number }
  | { kind: 'review'; score: number }
  | { kind: 'none' }
  | { kind: 'never'; reason: string };

/** Similarity of two normalised names in [0, 1]: edit distance or token overlap, whichever is higher. */
export function nameSimilarity(a: string, b: string): number {
  return compareNames(a, b).similarity;
}

/** Whether one name's words are all inside the other's ("Gas" / "Gas DAO", "Pepe" / "Pepe 2.0"). */
export function nameContained(a: string, b: string): boolean {
  return compareNames(a, b).contained;
}

interface NameForm {
  normalized: string;
  tokens: Set<string>;
  variant: boolean;
}

// A block of n ids compares n² pairs: each name is normalised once (bounded memo, cleared when full).
const forms = new Map<string, NameForm>();

function formOf(name: string): NameForm {
  let f = forms.get(name);
  if (!f) {
    if (forms.size >= 50_000) forms.clear();
    const normalized = normalizeName(name);
    f = { normalized, tokens: new Set(normalized.split(' ')), variant: isVariantName(name) };
    forms.set(name, f);
  }
  return f;
}

function isVariant(name: string | null): boolean {
  return name !== null && formOf(name).variant;
}

function compareNames(a: string, b: string): { similarity: number; contained: boolean } {
  const fa = formOf(a);
  const fb = formOf(b);
  const na = fa.normalized;
  const nb = fb.normalized;
  if (na === nb) return { similarity: na === '' ? 0 : 1, contained: false };
  const longest = Math.max(na.length, nb.length);
  const edit = longest === 0 ? 0 : 1 - distance(na, nb) / longest;
  const ta = fa.tokens;
  const tb = fb.tokens;
  let inter = 0;
  for (const t of ta) if (tb.has(t)) inter++;
  const jaccard = inter / (ta.size + tb.size - inter);
  // "Bitcoin" vs "Bitcoin Cash": one name inside the other is a DIFFERENT coin, not a near match.
  const contained = inter === Math.min(ta.size, tb.size) && ta.size !== tb.size;
  return { similarity: round3(contained ? Math.min(edit, jaccard) : Math.max(edit, jaccard)), contained };
}

/** Relative distance |ln(a/b)| of two positive amounts observed at about the same time, else null. */
function sameTimeDistance(a: MatchRecord, b: MatchRecord, pick: (r: MatchRecord) => number | null): number | null {
  const x = pick(a);
  const y = pick(b);
  if (x === null || y === null || !(x > 0) || !(y > 0)) return null;
  if (a.observedAt === null || b.observedAt === null) return null;
  if (Math.abs(a.observedAt - b.observedAt) > SAME_TIME_MS) return null;
  return Math.abs(Math.log(x / y));
}

export function ranksClose(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(a - b) <= Math.max(2, Math.round(Math.min(a, b) * 0.05));
}

type MarketEvidence = 'strong' | 'weak' | 'unknown' | 'loose' | 'contradicts';

/**
 * Market data as evidence: `strong` = prices agree and so do caps or ranks; `weak` = one of them;
 * `loose` = prices known but only roughly close; `contradicts` = prices too far apart to be one coin.
 */
function marketEvidence(a: MatchRecord, b: MatchRecord): { level: MarketEvidence; all: boolean } {
  const price = sameTimeDistance(a, b, (r) => r.priceUsd);
  const cap = sameTimeDistance(a, b, (r) => r.marketCapUsd);
  const capAgrees = cap !== null && cap <= Math.log1p(CAP_AGREE);
  const rank = ranksClose(a.rank, b.rank);
  if (price !== null && price > Math.log1p(PRICE_CONTRADICT)) return { level: 'contradicts', all: false };
  if (price !== null && price <= Math.log1p(PRICE_AGREE)) {
    return { level: capAgrees || rank ? 'strong' : 'weak', all: capAgrees && rank };
  }
  if (price !== null) return { level: 'loose', all: false };
  return { level: capAgrees && rank ? 'weak' : 'unknown', all: false };
}

const MARKET_BONUS: Record<MarketEvidence, number> = {
  strong: 0.1,
  weak: 0.05,
  unknown: 0,
  loose: -0.1,
  contradicts: 0,
};

/**
 * Decides whether two records of DIFFERENT sources with the same symbol are one coin. Symmetric:
 * `pairVerdict(a, b)` equals `pairVerdict(b, a)`. The rules, in order:
 * - prices at about the same time more than 10 % apart: never one coin;
 * - a wrapped/bridged/staked/pegged variant and a non-variant: never, unless the ids crosswalk;
 * - the ids crosswalk (the plugins' `crosswalkKey`): a match;
 * - the same or a similar name (not one name inside the other): a match;
 * - one name inside the other, or partly similar names: a match only with agreeing prices AND
 *   agreeing caps or ranks (never on the names, nor on names and ranks);
 * - dissimilar names: a match only when prices, caps and ranks all agree;
 * - otherwise a similar-enough name is for review.
 */
export function pairVerdict(a: MatchRecord, b: MatchRecord): PairVerdict {
  if (a.source === b.source) return { kind: 'never', reason: 'two ids of one source are two coins' };
  const market = marketEvidence(a, b);
  const names = a.name !== null && b.name !== null ? compareNames(a.name, b.name) : null;
  if (market.level === 'contradicts') {
    return names && names.similarity >= MERGE_THRESHOLD
      ? { kind: 'review', score: REVIEW_THRESHOLD }
      : { kind: 'never', reason: 'prices disagree' };
  }
  const crosswalk = a.crosswalkKey !== null && a.crosswalkKey === b.crosswalkKey;
  if (!crosswalk && isVariant(a.name) !== isVariant(b.name)) {
    return { kind: 'never', reason: 'a variant is not its underlying' };
  }
  const bonus = MARKET_BONUS[market.level];
  // Agreeing ids rank above agreeing names alone (a copy of a token usually keeps the name).
  if (crosswalk) {
    return { kind: 'match', method: 'crosswalk', score: round3(Math.max(0.98, names?.similarity ?? 0) + 0.03 + bonus) };
  }
  if (!names) return { kind: 'none' };
  const { similarity, contained } = names;
  if (!contained && similarity >= MERGE_THRESHOLD) {
    const score = round3(similarity + bonus);
    return score >= MERGE_THRESHOLD
      ? { kind: 'match', method: 'symbol_name', score }
      : { kind: 'review', score: Math.max(REVIEW_THRESHOLD, score) };
  }
  if (market.level === 'strong' && (contained || similarity >= 0.3)) {
    return { kind: 'match', method: 'symbol_name_market', score: round3(0.9 + similarity / 10) };
  }
  if (market.level === 'strong' && market.all) {
    return { kind: 'match', method: 'symbol_market', score: round3(0.86 + similarity / 10) };
  }
  return similarity >= REVIEW_THRESHOLD ? { kind: 'review', score: similarity } : { kind: 'none' };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
