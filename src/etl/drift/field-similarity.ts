import { distance } from 'fastest-levenshtein';
import type { FieldType } from '../extractor/extractor.interface.js';

/** Splits a field name into lower-case tokens: `currentPrice`, `current_price`, `Current-Price` -> [current, price]. */
export function fieldTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** 1 - normalised Levenshtein distance of two strings. */
export function editSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - distance(a, b) / longest;
}

/** Overlap of token sets (Jaccard), order-insensitive: `price_current` vs `current_price` = 1. */
export function tokenSimilarity(a: string[], b: string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  const inter = [...sa].filter((t) => sb.has(t)).length;
  const union = new Set([...sa, ...sb]).size;
  return union === 0 ? 0 : inter / union;
}

/** How well an observed value type can stand in for an expected one. */
export function typeCompatibility(expected: FieldType, observed: Set<string>): number {
  const nonNull = [...observed].filter((t) => t !== 'null');
  if (nonNull.length === 0) return 0.9;
  if (nonNull.every((t) => t === expected)) return 1;
  if (expected === 'number' && nonNull.every((t) => t === 'string')) return 0.85;
  return 0;
}

/**
 * Confidence in [0, 1] that the observed field `candidate` is the expected field `expected` renamed:
 * the better of edit similarity (joined tokens) and token-set overlap, scaled by type compatibility.
 * Only the last path segment is compared when both share the same parent path.
 */
export function renameConfidence(
  expected: { path: string; type: FieldType },
  candidate: { path: string; types: Set<string> },
): number {
  const [expParent, expLeaf] = splitPath(expected.path);
  const [candParent, candLeaf] = splitPath(candidate.path);
  const sameParent = expParent === candParent;
  const ea = fieldTokens(sameParent ? expLeaf : expected.path);
  const ca = fieldTokens(sameParent ? candLeaf : candidate.path);
  const nameScore = Math.max(editSimilarity(ea.join(''), ca.join('')), tokenSimilarity(ea, ca));
  const parentPenalty = sameParent ? 1 : 0.85;
  return round3(nameScore * typeCompatibility(expected.type, candidate.types) * parentPenalty);
}

function splitPath(path: string): [string, string] {
  const i = path.lastIndexOf('.');
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)];
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
