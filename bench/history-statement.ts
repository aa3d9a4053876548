import {
  INTERVAL_MS,
  resolveHistoryRange,
  type HistoryInterval,
} from '../src/api/assets/price-history/history-range.js';
import { historyStatement } from '../src/api/assets/price-history/price-history.repository.js';

/** The service's default ETL_FRESHNESS_BUDGET_SECONDS (the benchmark's service runs with it). */
const BUDGET_SECONDS = 43_200;

/** The statement GET /assets/{id}/history runs for these query parameters: the service's own SQL and range rules. */
export function baselineHistoryStatement(assetId: string, params: URLSearchParams): { sql: string; params: unknown[] } {
  const interval = (params.get('interval') ?? '1d') as HistoryInterval;
  const now = new Date();
  const range = resolveHistoryRange({
    interval,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    now,
  });
  return historyStatement({
    assetId,
    interval,
    firstStart: new Date(range.firstStart),
    endStart: new Date(range.endStart),
    source: params.get('source'),
    asOf: now,
    freshnessSeconds: BUDGET_SECONDS,
    intervalSeconds: INTERVAL_MS[interval] / 1000,
  });
}
