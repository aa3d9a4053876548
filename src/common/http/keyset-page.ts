import type { ListTotal } from '../sql/list-total.js';
import type { Page } from './envelope.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import { parseLimit } from './query-params.js';

/** Newest-first lists keyed by (timestamp, id): decode the cursor into the SQL bound. */
export function timeCursor(cursor: string | undefined, name: string): [string, string] | undefined {
  return cursor ? (decodeCursor(cursor, name, ['timestamp', 'bigint']) as [string, string]) : undefined;
}

/** How a keyset page is built from `limit + 1` fetched rows. */
export interface KeysetPageInput<R, T> {
  rows: R[];
  limit: number;
  /** The sort the cursor belongs to (a cursor of another sort is a 400). */
  sort: string;
  /** The sort key values of a row, as the cursor carries them. */
  keyOf: (r: R) => Array<string | number | null>;
  map: (r: R) => T;
  total: ListTotal;
}

/**
 * The one page builder of every keyset list: the extra row only tells that another page exists;
 * the cursor encodes the last returned row's sort key.
 */
export function toKeysetPage<R, T>({ rows, limit, sort, keyOf, map, total }: KeysetPageInput<R, T>): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(map),
    pagination: {
      limit,
      next_cursor: rows.length > limit && last ? encodeCursor(sort, keyOf(last)) : null,
      ...paginationTotal(total),
    },
  };
}

/** A newest-first page's rows and how each is keyed: by its timestamp (`at`) and id. */
export interface TimePageInput<R, T> extends Omit<KeysetPageInput<R, T>, 'keyOf'> {
  at: (r: R) => Date | string;
}

/**
 * A newest-first page keyed by (timestamp, id); the cursor encodes the last returned row's
 * (timestamp, id).
 */
export function toTimePage<R extends { id: string }, T>({ at, ...page }: TimePageInput<R, T>): Page<T> {
  // A string key is used verbatim: PostgreSQL timestamps have microseconds, a Date only milliseconds.
  const keyOf = (r: R) => {
    const key = at(r);
    return [typeof key === 'string' ? key : key.toISOString(), r.id];
  };
  return toKeysetPage({ ...page, keyOf });
}

/** One newest-first list request (runs, news, drift events, quarantined rows). */
export interface NewestFirstListInput<R, T> {
  query: { limit?: number; cursor?: string };
  /** The sort the cursor belongs to (a cursor of another list is a 400). */
  sort: string;
  /** The repository's page read: `limit + 1` rows strictly before `after`, and the total. */
  read: (limit: number, after: [string, string] | undefined) => Promise<{ rows: R[]; total: ListTotal }>;
  map: (r: R) => T;
}

/** Limit and cursor from the query, the page read, and the page keyed by each row's `cursor_at` and `id`. */
export async function newestFirstList<R extends { id: string; cursor_at: string }, T>({
  query,
  sort,
  read,
  map,
}: NewestFirstListInput<R, T>): Promise<Page<T>> {
  const limit = parseLimit(query.limit);
  const { rows, total } = await read(limit, timeCursor(query.cursor, sort));
  return toTimePage({ rows, limit, sort, at: (r) => r.cursor_at, map, total });
}

/** The `total` and `total_is_estimate` fields of a page's pagination block. */
export function paginationTotal(t: ListTotal): { total: number | null; total_is_estimate: boolean } {
  return { total: t.total, total_is_estimate: t.estimate };
}
