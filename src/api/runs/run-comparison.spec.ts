import { compareSource, sourceRunCounts } from './run-comparison.js';
import type { SourceRunRow } from '../../etl/ledger/runs.repository.js';
import { ZERO_COUNTS } from '../../etl/runner/source-run-state.js';

function sourceRun(overrides: Partial<SourceRunRow>): SourceRunRow {
  return {
    id: '1',
    run_id: '1',
    source: 'csv',
    status: 'succeeded',
    started_at: new Date('2025-05-02T00:00:00Z'),
    finished_at: new Date('2025-05-02T00:00:01Z'),
    duration_ms: 1000,
    records_extracted: 10,
    records_inserted: 4,
    records_updated: 3,
    records_unchanged: 2,
    records_duplicate: 1,
    records_quarantined: 0,
    retries: 0,
    rate_limit_wait_ms: 0,
    backoff_wait_ms: 0,
    retry_after_wait_ms: 0,
    cursor_before: null,
    cursor_after: null,
    error_class: null,
    error_message: null,
    schema_fingerprint: null,
    ...overrides,
  };
}

describe('sourceRunCounts', () => {
  it('should be zeros when the run did not include the source', () => {
    expect(sourceRunCounts(undefined)).toEqual(ZERO_COUNTS);
  });
});

describe('compareSource', () => {
  it('should give target minus base for counts and duration when both runs have the source', () => {
    const base = sourceRun({});
    const target = sourceRun({
      status: 'failed',
      records_extracted: 4,
      records_inserted: 0,
      records_quarantined: 2,
      duration_ms: 400,
    });
    expect(compareSource({ source: 'csv', base, target })).toEqual({
      source: 'csv',
      base_status: 'succeeded',
      target_status: 'failed',
      status_changed: true,
      records_delta: { extracted: -6, inserted: -4, updated: 0, unchanged: 0, duplicate: 0, quarantined: 2 },
      duration_delta_ms: -600,
    });
  });

  it('should count a source missing from one run as zeros, with no duration delta', () => {
    const result = compareSource({ source: 'rss', target: sourceRun({ source: 'rss' }) });
    expect(result).toMatchObject({
      base_status: null,
      target_status: 'succeeded',
      status_changed: true,
      duration_delta_ms: null,
    });
    expect(result.records_delta.extracted).toBe(10);
  });

  it('should have no duration delta when a run has no duration', () => {
    const result = compareSource({ source: 'csv', base: sourceRun({ duration_ms: null }), target: sourceRun({}) });
    expect(result).toMatchObject({ status_changed: false, duration_delta_ms: null });
  });
});
