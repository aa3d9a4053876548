/**
 * The run ledger's "last run per source" questions, asked the same way by /stats, /health, the run
 * service and the CLI. `source` is the SQL expression naming the source (a column or a parameter).
 */

/** The latest run of the source (by started_at, then id): a few rows of the (source, started_at) index. */
export function lastSourceRunSql(source: string, columns = '*'): string {
  return `SELECT ${columns} FROM etl_source_runs r WHERE r.source = ${source} ORDER BY r.started_at DESC, r.id DESC LIMIT 1`;
}

/** Statuses of a run that ended without loading its source. */
export const FAILED_RUN_STATUSES = ['failed', 'rate_limited', 'abandoned'] as const;

/** When the source's last run (of one of `statuses`, or of any status) finished; NULL when none did. */
export function lastFinishedAtSql(source: string, statuses?: readonly string[]): string {
  const status = statuses ? ` AND r.status IN (${statuses.map((s) => `'${s}'`).join(', ')})` : '';
  return `(SELECT max(r.finished_at) FROM etl_source_runs r WHERE r.source = ${source}${status})`;
}
