import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/**
 * Every metric the service exports, in one place. Label sets are fixed and bounded (never run ids).
 * The Grafana dashboards in docker/grafana are checked against these names by a test.
 */
export const METRIC = {
  // Served from the run ledger (src/platform/metrics/ledger/): the same on every replica, whatever process ran the ETL.
  records: 'etl_records_total',
  recordsExtracted: 'etl_records_extracted_total',
  runDuration: 'etl_run_duration_seconds',
  runs: 'etl_runs_total',
  lastSuccess: 'etl_last_success_timestamp_seconds',
  consecutiveFailures: 'etl_source_consecutive_failures',
  dataAge: 'etl_source_data_age_seconds',
  freshnessBudget: 'etl_source_freshness_budget_seconds',
  rateLimitWait: 'etl_rate_limit_wait_seconds_total',
  driftEvents: 'etl_drift_events_total',
  anomalies: 'etl_anomalies_total',
  divergentAssets: 'etl_divergent_assets',
  consensusSpread: 'etl_consensus_max_spread_percent',
  // Per process: what this process itself did.
  httpRequests: 'etl_http_requests_total',
  retries: 'etl_retries_total',
  apiRequestDuration: 'http_request_duration_seconds',
  ledgerErrors: 'etl_metrics_ledger_errors_total',
  databaseUp: 'etl_database_up',
  partitionsDropped: 'etl_partitions_dropped_total',
} as const;

export const METRIC_PROVIDERS = [
  makeCounterProvider({
    name: METRIC.httpRequests,
    help: 'Outbound HTTP requests to upstream APIs by status (code, or timeout|network), by this process',
    labelNames: ['source', 'status'],
  }),
  makeCounterProvider({
    name: METRIC.retries,
    help: 'Outbound retries by reason, by this process',
    labelNames: ['source', 'reason'],
  }),
  makeHistogramProvider({
    name: METRIC.apiRequestDuration,
    help: 'REST API request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({
    name: METRIC.partitionsDropped,
    help: 'Whole time partitions dropped by retention (QUOTES_RETENTION_DAYS, RAW_RETENTION_DAYS), by this process',
    labelNames: ['table'],
  }),
  makeCounterProvider({
    name: METRIC.ledgerErrors,
    help: 'Scrapes whose run-ledger summary query failed (the last good summary was served)',
  }),
];
