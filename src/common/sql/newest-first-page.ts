import type { DataSource } from 'typeorm';
import { isoTimestampSql } from './iso-timestamp.js';
import { boundedTotal, type ListTotal } from './list-total.js';
import type { WhereBuilder } from './where-builder.js';

/** One newest-first keyset read: what is read, how it is filtered and where the page starts. */
export interface NewestFirstQuery {
  /** The table and its alias (`news_items n`): what the total counts. */
  table: string;
  /** Joins after the table, for the page only (the total counts the table's rows). */
  joins?: string;
  /** The keyset, as qualified columns: a timestamptz and a bigint id (`n.published_at`, `n.id`). */
  keyset: { at: string; id: string };
  /** Columns after `id` and `cursor_at`. */
  columns: string;
  /** The filters; the cursor condition is added here and not counted. */
  where: WhereBuilder;
  groupBy?: string;
  limit: number;
  /** The (timestamp, id) of the last row of the previous page. */
  after?: [string, string];
  /** An exact total known without counting (a counter); otherwise a bounded count (see boundedTotal). */
  knownTotal?: () => Promise<ListTotal>;
}

/**
 * The one keyset page of every newest-first list (news, runs, drift events, quarantined rows):
 * `limit + 1` rows strictly before the cursor, with the total for the same filters. Rows carry
 * `id` (text) and `cursor_at` (microsecond ISO-8601) ahead of `columns`. ORDER BY names the
 * qualified columns: a bare `id` would sort by the output column `id::text` ("9" after "11"), out
 * of step with the bigint keyset condition.
 */
export async function newestFirstPage<Row>(
  dataSource: DataSource,
  q: NewestFirstQuery,
): Promise<{ rows: Row[]; total: ListTotal }> {
  const { at, id } = q.keyset;
  const where = q.where;
  const countWhere = where.clone();
  if (q.after) where.add(`(${at}, ${id}) < (?::timestamptz, ?::bigint)`, q.after[0], q.after[1]);
  const rows = (await dataSource.query(
    `SELECT ${id}::text AS id, ${isoTimestampSql(at, 'us')} AS cursor_at, ${q.columns}
       FROM ${q.table} ${q.joins ?? ''} ${where.toSql()}${q.groupBy ? ` GROUP BY ${q.groupBy}` : ''}
      ORDER BY ${at} DESC, ${id} DESC LIMIT ${where.param(q.limit + 1)}`,
    where.params,
  )) as Row[];
  const total = q.knownTotal
    ? await q.knownTotal()
    : await boundedTotal(dataSource, { from: q.table, where: countWhere });
  return { rows, total };
}
