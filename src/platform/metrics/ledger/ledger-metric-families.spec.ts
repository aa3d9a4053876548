import { ledgerFamilies, type MetricFamily } from './ledger-metric-families.js';
import { DURATION_BUCKETS, type LedgerSummary, type StatusTotals } from './ledger-summary.repository.js';

const NOW = new Date('2026-12-01T12:00:00Z');

function totals(source: string, status: string, over: Partial<StatusTotals> = {}): StatusTotals {
  return {
    source,
    status,
    runs: 1,
    extracted: 10,
    outcomes: { inserted: 6, updated: 2, unchanged: 1, quarantined: 1, duplicate: null as unknown as number },
    rateLimitWaitMs: 1500,
    durationCount: 1,
    durationSumMs: 700,
    durationBuckets: DURATION_BUCKETS.map((b) => (b >= 1 ? 1 : 0)),
    ...over,
  };
}

function summary(over: Partial<LedgerSummary> = {}): LedgerSummary {
  return { duplicateCounted: false, statuses: [], latest: [], drift: [], anomalies: [], consensus: null, ...over };
}

const value = (families: MetricFamily[], name: string, labels: Record<string, string>, metricName = name) =>
  families
    .find((f) => f.name === name)
    ?.values.find(
      (v) =>
        (v.metricName ?? name) === metricName &&
        Object.entries(labels).every(([k, l]) => v.labels[k] === l) &&
        Object.keys(v.labels).length === Object.keys(labels).length,
    )?.value;

describe('ledgerFamilies', () => {
  const sources = ['csv', 'rss'];

  it('should export every counter at 0 for every enabled source before any run', () => {
    const f = ledgerFamilies({ summary: summary(), sources, freshnessBudgetSeconds: 600, now: NOW });

    for (const source of sources) {
      expect(value(f, 'etl_runs_total', { source, status: 'failed' })).toBe(0);
      expect(value(f, 'etl_records_total', { source, outcome: 'quarantined' })).toBe(0);
      expect(value(f, 'etl_records_extracted_total', { source })).toBe(0);
      expect(value(f, 'etl_run_duration_seconds', { source, le: '+Inf' }, 'etl_run_duration_seconds_bucket')).toBe(0);
      expect(value(f, 'etl_source_freshness_budget_seconds', { source })).toBe(600);
    }
    expect(value(f, 'etl_anomalies_total', { rule: 'stale_source' })).toBe(0);
    expect(value(f, 'etl_divergent_assets', {})).toBe(0);
  });

  it.each([
    [false, undefined],
    [true, 4],
  ])(
    'should export the duplicate outcome only once the ledger counts it (column present: %p)',
    (duplicateCounted, expected) => {
      const statuses = [
        totals('csv', 'succeeded', {
          outcomes: {
            inserted: 1,
            updated: 0,
            unchanged: 0,
            quarantined: 0,
            duplicate: duplicateCounted ? 4 : undefined,
          },
        }),
      ];
      const f = ledgerFamilies({
        summary: summary({ duplicateCounted, statuses }),
        sources,
        freshnessBudgetSeconds: 600,
        now: NOW,
      });

      expect(value(f, 'etl_records_total', { source: 'csv', outcome: 'duplicate' })).toBe(expected);
      expect(value(f, 'etl_records_total', { source: 'csv', outcome: 'inserted' })).toBe(1);
    },
  );

  it('should sum statuses per source, keep extraction apart, and build a cumulative histogram', () => {
    const statuses = [
      totals('csv', 'succeeded'),
      totals('csv', 'failed', {
        runs: 2,
        extracted: 5,
        durationCount: 2,
        durationSumMs: 200,
        durationBuckets: DURATION_BUCKETS.map(() => 2),
      }),
    ];
    const f = ledgerFamilies({ summary: summary({ statuses }), sources, freshnessBudgetSeconds: 600, now: NOW });

    expect(value(f, 'etl_runs_total', { source: 'csv', status: 'succeeded' })).toBe(1);
    expect(value(f, 'etl_runs_total', { source: 'csv', status: 'failed' })).toBe(2);
    expect(value(f, 'etl_records_extracted_total', { source: 'csv' })).toBe(15);
    expect(value(f, 'etl_records_total', { source: 'csv', outcome: 'inserted' })).toBe(12);
    expect(f.find((x) => x.name === 'etl_records_total')!.values.some((v) => v.labels.outcome === 'extracted')).toBe(
      false,
    );
    expect(value(f, 'etl_rate_limit_wait_seconds_total', { source: 'csv' })).toBe(3);
    const bucket = (le: string) =>
      value(f, 'etl_run_duration_seconds', { source: 'csv', le }, 'etl_run_duration_seconds_bucket');
    expect([bucket('0.5'), bucket('1'), bucket('+Inf')]).toEqual([2, 3, 3]);
    expect(value(f, 'etl_run_duration_seconds', { source: 'csv' }, 'etl_run_duration_seconds_sum')).toBeCloseTo(0.9);
  });

  it('should report latest values: last success, failures in a row, data age (newest quote, else last success)', () => {
    const latest = [
      {
        source: 'csv',
        lastSuccessAt: new Date(NOW.getTime() - 60_000),
        consecutiveFailures: 0,
        newestQuoteAt: new Date(NOW.getTime() - 300_000),
      },
      { source: 'rss', lastSuccessAt: new Date(NOW.getTime() - 90_000), consecutiveFailures: 3, newestQuoteAt: null },
    ];
    const f = ledgerFamilies({
      summary: summary({ latest, consensus: { divergentAssets: 2, maxSpreadPct: 7.5 } }),
      sources,
      freshnessBudgetSeconds: 600,
      now: NOW,
    });

    expect(value(f, 'etl_last_success_timestamp_seconds', { source: 'csv' })).toBe((NOW.getTime() - 60_000) / 1000);
    expect(value(f, 'etl_source_data_age_seconds', { source: 'csv' })).toBe(300);
    expect(value(f, 'etl_source_data_age_seconds', { source: 'rss' })).toBe(90);
    expect(value(f, 'etl_source_consecutive_failures', { source: 'rss' })).toBe(3);
    expect(value(f, 'etl_divergent_assets', {})).toBe(2);
    expect(value(f, 'etl_consensus_max_spread_percent', {})).toBe(7.5);
  });
});
