import type { FieldSpec } from '../extractor/extractor.interface.js';
import { isJsonNumber } from '../extractor/json-number.js';

export type ObservedType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/**
 * Flattens a payload to dotted paths and their value types. Objects declared as leaves by the
 * expected schema (type 'object') are not descended into; names starting with `_` are metadata
 * added by the extractor and ignored.
 */
export function observePaths(
  payload: Record<string, unknown>,
  leafObjects: ReadonlySet<string>,
  maxDepth = 4,
): Map<string, ObservedType> {
  const out = new Map<string, ObservedType>();
  const walk = (value: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('_')) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const type = typeOf(v);
      if (type === 'object' && depth < maxDepth && !leafObjects.has(path)) {
        walk(v as Record<string, unknown>, path, depth + 1);
      } else out.set(path, type);
    }
  };
  walk(payload, '', 1);
  return out;
}

export function typeOf(v: unknown): ObservedType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  // A number of a lossless payload (its received text) is still a JSON number.
  if (isJsonNumber(v)) return 'number';
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  return 'object';
}

export function getPath(payload: Record<string, unknown>, path: string): unknown {
  let cur: unknown = payload;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Returns a copy of `payload` with `value` set at `path` (intermediate objects copied, not mutated). */
export function withPath(payload: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...payload, [head]: value };
  const child = payload[head];
  const base = child && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  return { ...payload, [head]: withPath(base, rest.join('.'), value) };
}

export function leafObjectPaths(spec: readonly FieldSpec[]): Set<string> {
  return new Set(spec.filter((f) => f.type === 'object').map((f) => f.path));
}
