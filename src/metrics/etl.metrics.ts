import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/**
 * Every metric the service exports, in one place. Label sets are fixed and bounded (never run ids).
 * The Grafana dashboard in docker/grafana is checked against these names by a test.
 */
export const METRIC = {
  records: 'etl_records_total',
  runDuration: 'etl_run_duration_seconds',
  runs: 'etl_runs_total',
  lastSuccess: 'etl_last_success_timestamp_seconds',
  httpRequests: 'etl_http_requests_total',
  retries: 'etl_retries_total',
  rateLimitWait: 'etl_rate_limit_wait_seconds_total',
  driftEvents: 'etl_drift_events_total',
  anomalies: 'etl_anomalies_total',
  apiRequestDuration: 'http_request_duration_seconds',
} as const;

export const METRIC_PROVIDERS = [
  makeCounterProvider({
    name: METRIC.records,
    help: 'Records processed by the ETL, by outcome (inserted|updated|unchanged|duplicate|quarantined)',
    labelNames: ['source', 'stream', 'outcome'],
  }),
  makeHistogramProvider({
    name: METRIC.runDuration,
    help: 'Duration of one source within an ETL run',
    labelNames: ['source'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
  }),
  makeCounterProvider({ name: METRIC.runs, help: 'Source runs by final status', labelNames: ['source', 'status'] }),
  makeGaugeProvider({
    name: METRIC.lastSuccess,
    help: 'Unix time of the last successful run of a source',
    labelNames: ['source'],
  }),
  makeCounterProvider({
    name: METRIC.httpRequests,
    help: 'Outbound HTTP requests to upstream APIs by status (code, or timeout|network)',
    labelNames: ['source', 'status'],
  }),
  makeCounterProvider({ name: METRIC.retries, help: 'Outbound retries by reason', labelNames: ['source', 'reason'] }),
  makeCounterProvider({
    name: METRIC.rateLimitWait,
    help: 'Seconds spent waiting for rate limits and Retry-After',
    labelNames: ['source'],
  }),
  makeCounterProvider({ name: METRIC.driftEvents, help: 'Schema drift events detected', labelNames: ['source', 'kind'] }),
  makeCounterProvider({ name: METRIC.anomalies, help: 'Run anomalies flagged by rule', labelNames: ['rule'] }),
  makeHistogramProvider({
    name: METRIC.apiRequestDuration,
    help: 'REST API request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
];
