/**
 * Counts are `bigint` in SQL (an `int` cast overflows past 2^31 rows); node-pg returns bigint as
 * text, exactly. These become JS numbers here, exact up to 2^53.
 */
export function countsToNumbers<T extends object>(row: T, keys: ReadonlyArray<keyof T>): T {
  const out = { ...row };
  for (const k of keys) {
    const v = out[k] as unknown;
    if (v !== null && v !== undefined) (out as Record<keyof T, unknown>)[k] = Number(v);
  }
  return out;
}
