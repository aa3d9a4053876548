import type { DataSource } from 'typeorm';
import type { WhereBuilder } from './where-builder.js';

/**
 * One keyset page of an event table read newest first by `(last_seen_at, id)` (drift events,
 * quarantined rows), with the total for the same filters. `where` holds the filters; the cursor
 * condition is added here and not counted. Rows carry `id` (text) and `cursor_at` (microsecond
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
): Promise<{ rows: Row[]; total: number }> {
  const countWhere = where.clone();
  if (after) where.add('(last_seen_at, id) < (?::timestamptz, ?::bigint)', after[0], after[1]);
  const rows = (await dataSource.query(
    `SELECT id::text, to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, ${columns}
       FROM ${table} ${where.toSql()} ORDER BY ${table}.last_seen_at DESC, ${table}.id DESC LIMIT ${where.param(limit + 1)}`,
    where.params,
  )) as Row[];
  const [{ n }] = (await dataSource.query(`SELECT count(*)::int AS n FROM ${table} ${countWhere.toSql()}`, countWhere.params)) as Array<{ n: number }>;
  return { rows, total: n };
}
