/**
 * The listed fields of a row, as a new object: how a repository row becomes a DTO without internal
 * columns (ranking keys, tie-breakers) leaking into the JSON, and without a hand-written field list.
 */
export function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = row[key];
  return out;
}
