/**
 * The anomaly rules' names (the rules themselves: etl/ledger/anomaly-rules.ts): /metrics exports each
 * at 0 before it first fires, so the names sit with the metrics, below the engine that evaluates them.
 */
export const ANOMALY_RULES = [
  'record_count_outlier',
  'duration_outlier',
  'success_then_failure',
  'success_with_zero_rows',
  'price_divergence',
  'stale_source',
] as const;

export type AnomalyRule = (typeof ANOMALY_RULES)[number];
