import { FAILED_RUN_STATUSES } from '../../common/sql/last-source-run.js';
import type { LastRunRow } from './health.repository.js';

/**
 * Sources whose last run failed, or that have not succeeded within the freshness budget. A source
 * that never ran is not degraded (a fresh install is healthy).
 */
export function degradedSources(rows: readonly LastRunRow[], budgetMs: number, now: number): string[] {
  const failed = FAILED_RUN_STATUSES as readonly string[];
  return rows
    .filter(
      (r) =>
        r.status !== null &&
        (failed.includes(r.status) || !r.last_success_at || now - new Date(r.last_success_at).getTime() > budgetMs),
    )
    .map((r) => r.source);
}
