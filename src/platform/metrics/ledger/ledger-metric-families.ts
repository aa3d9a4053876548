import { ANOMALY_RULES } from '../anomaly-rule-names.js';
import { METRIC } from '../etl.metrics.js';
import { DURATION_BUCKETS, type LedgerSummary, type LoadOutcome } from './ledger-summary.repository.js';

export interface MetricValue {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: MetricValue[];
}

/** Final statuses a source run can end in; each is exported at 0 until it happens. */
export const RUN_STATUSES = ['succeeded', 'partial', 'failed', 'rate_limited', 'abandoned', 'skipped'] as const;
const OUTCOMES: LoadOutcome[] = ['inserted', 'updated', 'unchanged', 'quarantined', 'duplicate'];

export interface FamilyInput {
  summary: LedgerSummary;
  sources: readonly string[];
  freshnessBudgetSeconds: number;
  now: Date;
}

/**
 * Turns one ledger summary into the ETL metric families. Every enabled source gets every counter
 * (at 0 until it moves), so a healthy system has no "No data" panels. Pure: tested without a scrape.
 */
export function ledgerFamilies({ summary, sources, freshnessBudgetSeconds, now }: FamilyInput): MetricFamily[] {
  const known = [...new Set([...sources, ...summary.statuses.map((s) => s.source)])].sort();
  const rows = (source: string) => summary.statuses.filter((s) => s.source === source);
  const sum = (source: string, pick: (s: LedgerSummary['statuses'][number]) => number) =>
    rows(source).reduce((n, s) => n + (pick(s) ?? 0), 0);
  const outcomes = OUTCOMES.filter((o) => o !== 'duplicate' || summary.duplicateCounted);

  const families: MetricFamily[] = [
    counter(
      METRIC.runs,
      "Source runs by final status (from the run ledger: every process's runs)",
      known.flatMap((source) =>
        RUN_STATUSES.map((status) => ({
          labels: { source, status },
          value: rows(source).find((s) => s.status === status)?.runs ?? 0,
        })),
      ),
    ),
    counter(
      METRIC.records,
      'Records loaded by the ETL, by outcome (inserted|updated|unchanged|quarantined|duplicate)',
      known.flatMap((source) =>
        outcomes.map((outcome) => ({
          labels: { source, outcome },
          value: sum(source, (s) => Number(s.outcomes[outcome] ?? 0)),
        })),
      ),
    ),
    counter(
      METRIC.recordsExtracted,
      'Records extracted from upstreams (before loading)',
      known.map((source) => ({ labels: { source }, value: sum(source, (s) => s.extracted) })),
    ),
    counter(
      METRIC.rateLimitWait,
      'Seconds spent waiting for rate limits and Retry-After',
      known.map((source) => ({ labels: { source }, value: sum(source, (s) => s.rateLimitWaitMs) / 1000 })),
    ),
    histogram(known, rows),
    gauge(
      METRIC.lastSuccess,
      'Unix time of the last successful run of a source',
      summary.latest
        .filter((l) => l.lastSuccessAt)
        .map((l) => ({ labels: { source: l.source }, value: l.lastSuccessAt!.getTime() / 1000 })),
    ),
    gauge(
      METRIC.consecutiveFailures,
      'Failed runs of a source since its last success',
      summary.latest.map((l) => ({ labels: { source: l.source }, value: l.consecutiveFailures })),
    ),
    gauge(
      METRIC.dataAge,
      'Seconds since the newest data of a source (its newest quote, else its last successful run)',
      summary.latest.flatMap((l) => {
        const newest = l.newestQuoteAt ?? l.lastSuccessAt;
        return newest
          ? [{ labels: { source: l.source }, value: Math.max(0, (now.getTime() - newest.getTime()) / 1000) }]
          : [];
      }),
    ),
    gauge(
      METRIC.freshnessBudget,
      'ETL_FRESHNESS_BUDGET_SECONDS, per source, for staleness alerts',
      sources.map((source) => ({ labels: { source }, value: freshnessBudgetSeconds })),
    ),
    counter(
      METRIC.driftEvents,
      'Schema drift events detected',
      summary.drift.map((d) => ({ labels: { source: d.source, kind: d.kind }, value: d.events })),
    ),
    counter(
      METRIC.anomalies,
      'Run anomalies flagged by rule',
      ANOMALY_RULES.map((rule) => ({
        labels: { rule },
        value: summary.anomalies.find((a) => a.rule === rule)?.count ?? 0,
      })),
    ),
    gauge(METRIC.divergentAssets, 'Assets whose fresh sources disagree beyond ETL_PRICE_DIVERGENCE_PCT (latest run)', [
      { labels: {}, value: summary.consensus?.divergentAssets ?? 0 },
    ]),
    gauge(
      METRIC.consensusSpread,
      'Widest consensus spread among multi-source assets, percent of the median (latest run)',
      [{ labels: {}, value: summary.consensus?.maxSpreadPct ?? 0 }],
    ),
  ];
  return families;
}

function counter(name: string, help: string, values: MetricValue[]): MetricFamily {
  return { name, help, type: 'counter', values };
}

function gauge(name: string, help: string, values: MetricValue[]): MetricFamily {
  return { name, help, type: 'gauge', values };
}

function histogram(sources: string[], rows: (source: string) => LedgerSummary['statuses']): MetricFamily {
  const values = sources.flatMap((source) => {
    const own = rows(source);
    const count = own.reduce((n, s) => n + s.durationCount, 0);
    const buckets = DURATION_BUCKETS.map((le, i) => ({
      metricName: `${METRIC.runDuration}_bucket`,
      labels: { source, le: String(le) },
      value: own.reduce((n, s) => n + Number(s.durationBuckets[i] ?? 0), 0),
    }));
    return [
      ...buckets,
      { metricName: `${METRIC.runDuration}_bucket`, labels: { source, le: '+Inf' }, value: count },
      {
        metricName: `${METRIC.runDuration}_sum`,
        labels: { source },
        value: own.reduce((n, s) => n + s.durationSumMs, 0) / 1000,
      },
      { metricName: `${METRIC.runDuration}_count`, labels: { source }, value: count },
    ];
  });
  return { name: METRIC.runDuration, help: 'Duration of one source within an ETL run', type: 'histogram', values };
}
