import { createHash } from 'node:crypto';
import type { Pool, QueryConfig } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Hot API reads run as named (prepared) statements: PostgreSQL parses and plans each text once per
 * connection instead of once per request. On the time-partitioned tables planning dominates a small
 * read (the planner considers every partition's indexes): the /data first page reached ~4x the
 * throughput of the same SQL sent unnamed (pgbench on the API benchmark's data, docs/BENCHMARKS.md).
 * PostgreSQL still re-plans with the actual values while a custom plan is cheaper, and prunes
 * partitions at executor start-up in a generic plan, so a parameter's value never stays stuck.
 */

/** Bumped when a connection's prepared plan is stale, so every connection prepares the text anew. */
let generation = 0;

/** The statement for one text: its name is derived from the text, so one text is one statement everywhere. */
export function namedStatement(sql: string, params: unknown[] = []): QueryConfig {
  const digest = createHash('sha1').update(sql).digest('hex').slice(0, 24);
  return { name: `k${generation}_${digest}`, text: sql, values: params };
}

/**
 * PostgreSQL refuses a prepared statement whose result columns changed under it (a migration altered a
 * table while this process kept the old plan): SQLSTATE 0A000, "cached plan must not change result type".
 */
function isStalePlan(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && /cached plan must not change result type/.test(message);
}

/**
 * Runs a read as a named statement on the data source's pool (outside any transaction). A stale plan
 * (see isStalePlan) is answered by the same SQL unnamed, and later calls use fresh statement names.
 */
export async function preparedQuery<T>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  try {
    return (await pool.query(namedStatement(sql, params))).rows as T[];
  } catch (err) {
    if (!isStalePlan(err)) throw err;
    generation += 1;
    return (await dataSource.query(sql, params)) as T[];
  }
}
