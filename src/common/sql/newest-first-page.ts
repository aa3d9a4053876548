import type { DataSource } from 'typeorm';
import { boundedTotal, type ListTotal } from './list-total.js';
import type { WhereBuilder } from './where-builder.js';

/**
 * One keyset page of an event table read newest first by `(last_seen_at, id)` (drift events,
 * quarantined rows), with the total for the same filters. `where` holds the filters; the cursor
 * condition is added here and not counted (the total's cost is bounded: see boundedTotal). Rows carry `id` (text) and `cursor_at` (microsecond
 * ISO-8601) ahead of `columns`. ORDER BY names the table's columns: a bare `id` would sort by the
 * output column `id::text` ("9" after "11"), out of step with the bigint keyset condition.
 */
export async function newestFirstPage<Row>(
  dataSource: DataSource,
  table: string,
  columns: string,
  where: WhereBuilder,
  limit: number,
  after?: [string, string],
  /** An exact total known without counting (a counter); otherwise a bounded count (see boundedTotal). */
  knownTotal?: () => Promise<ListTotal>,
): Promise<{ rows: Row[]; total: ListTotal }> {
  const countWhere = where.clone();
  if (after) where.add('(last_seen_at, id) < (?::timestamptz, ?::bigint)', after[0], after[1]);
  const rows = (await dataSource.query(
    `SELECT id::text, to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, ${columns}
       FROM ${table} ${where.toSql()} ORDER BY ${table}.last_seen_at DESC, ${table}.id DESC LIMIT ${where.param(limit + 1)}`,
    where.params,
  )) as Row[];
  const total = knownTotal ? await knownTotal() : await boundedTotal(dataSource, table, countWhere);
  return { rows, total };
}
