import type { DataSource } from 'typeorm';
import type { WhereBuilder } from './where-builder.js';

/** A list's `pagination.total`, and whether it is PostgreSQL's estimate rather than a count. */
export interface ListTotal {
  total: number | null;
  estimate: boolean;
}

/**
 * Up to this many matching rows a list total is an exact count; above it, the planner's estimate.
 * 10,000 rows is a few milliseconds of index-only scan: the cost of a total never grows with the table.
 */
export const EXACT_TOTAL_LIMIT = 10_000;

/** An exact total (a counter, a count): not an estimate. */
export const exactTotal = (total: number): ListTotal => ({ total, estimate: false });

/** What a bounded total counts: `SELECT … FROM {from} {where}`, exact up to `limit` rows. */
export interface BoundedTotalQuery {
  /** Trusted SQL: a table and its alias (`market_quotes q`). */
  from: string;
  where: WhereBuilder;
  /** Default EXACT_TOTAL_LIMIT. */
  limit?: number;
}

/**
 * The total of `SELECT … FROM {from} {where}`, bounded in cost: the count stops reading at
 * `limit + 1` rows, so a match of up to `limit` rows is exact. Past that, PostgreSQL's estimate of
 * the same query (the EXPLAIN row estimate, from the table statistics; at least `limit + 1`, which
 * the count proved) is served and labelled an estimate.
 */
export async function boundedTotal(
  dataSource: DataSource,
  { from, where, limit = EXACT_TOTAL_LIMIT }: BoundedTotalQuery,
): Promise<ListTotal> {
  const select = `SELECT 1 FROM ${from} ${where.toSql()}`;
  const [{ n }] = (await dataSource.query(
    `SELECT count(*)::bigint::text AS n FROM (${select} LIMIT ${Math.trunc(limit) + 1}) bounded`,
    where.params,
  )) as Array<{ n: string }>;
  const counted = Number(n);
  if (counted <= limit) return exactTotal(counted);
  const [row] = (await dataSource.query(`EXPLAIN (FORMAT JSON) ${select}`, where.params)) as Array<{
    'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }>;
  }>;
  const planned = Math.round(row['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  return { total: Math.max(planned, counted), estimate: true };
}
