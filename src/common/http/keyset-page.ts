import type { ListTotal } from '../sql/list-total.js';
import type { Page } from './envelope.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

/** Newest-first lists keyed by (timestamp, id): decode the cursor into the SQL bound. */
export function timeCursor(cursor: string | undefined, name: string): [string, string] | undefined {
  return cursor ? (decodeCursor(cursor, name, ['timestamp', 'bigint']) as [string, string]) : undefined;
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells that another page exists;
 * the cursor encodes the last returned row's (timestamp, id).
 */
export function toTimePage<R extends { id: string }, T>(
  rows: R[],
  limit: number,
  name: string,
  at: (r: R) => Date | string,
  map: (r: R) => T,
  total: ListTotal,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(map),
    // A string key is used verbatim: PostgreSQL timestamps have microseconds, a Date only milliseconds.
    pagination: { limit, next_cursor: rows.length > limit && last ? encodeCursor(name, [typeof at(last) === 'string' ? (at(last) as string) : (at(last) as Date).toISOString(), last.id]) : null, ...paginationTotal(total) },
  };
}

/** The `total` and `total_is_estimate` fields of a page's pagination block. */
export function paginationTotal(t: ListTotal): { total: number | null; total_is_estimate: boolean } {
  return { total: t.total, total_is_estimate: t.estimate };
}
