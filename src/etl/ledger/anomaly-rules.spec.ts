import {
  durationOutlier,
  evaluateSourceRun,
  recordCountOutlier,
  staleSource,
  successThenFailure,
  successWithZeroRows,
  type RunSample,
} from './anomaly-rules.js';

const ok = (extracted: number, durationMs = 1000): RunSample => ({ status: 'succeeded', extracted, durationMs });

describe('anomaly rules', () => {
  const steady = [ok(1000), ok(1010), ok(990), ok(1005), ok(995), ok(1000)];

  describe('recordCountOutlier', () => {
    it.each([
      ['a normal count', ok(1003), false],
      ['a collapse', ok(100), true],
      ['a spike', ok(5000), true],
      ['a failed run', { status: 'failed', extracted: 0, durationMs: 10 }, false],
    ])('should judge %s', (_label, run, flagged) => {
      expect(recordCountOutlier('csv', run as RunSample, steady) !== undefined).toBe(flagged);
    });

    it('should need at least five points of history', () => {
      expect(recordCountOutlier('csv', ok(1), steady.slice(0, 4))).toBeUndefined();
    });

    it('should flag any change when history never varied', () => {
      expect(recordCountOutlier('csv', ok(999), [ok(1000), ok(1000), ok(1000), ok(1000), ok(1000)])?.rule).toBe(
        'record_count_outlier',
      );
    });
  });

  it('should flag a duration far above the recent median', () => {
    expect(durationOutlier('rss', ok(10, 9000), [ok(10, 1000), ok(10, 1200), ok(10, 900)])?.message).toMatch(
      /9000 ms, over 3x the recent median \(1000 ms\)/,
    );
    expect(durationOutlier('rss', ok(10, 2000), [ok(10, 1000), ok(10, 1200), ok(10, 900)])).toBeUndefined();
  });

  it('should flag a failure right after a success, ignoring skipped runs', () => {
    const failed = { status: 'failed', extracted: 0, durationMs: 5 };
    expect(
      successThenFailure('coingecko', failed, [{ status: 'skipped', extracted: 0, durationMs: 0 }, ok(10)])?.rule,
    ).toBe('success_then_failure');
    expect(
      successThenFailure('coingecko', failed, [{ status: 'failed', extracted: 0, durationMs: 5 }]),
    ).toBeUndefined();
  });

  it('should flag success with zero rows', () => {
    expect(successWithZeroRows('csv', ok(0))?.rule).toBe('success_with_zero_rows');
    expect(successWithZeroRows('csv', ok(1))).toBeUndefined();
  });

  it('should flag a source that has not succeeded within its freshness budget', () => {
    const now = new Date('2025-05-02T12:00:00Z');
    expect(
      staleSource({ source: 'rss', lastSuccessAt: new Date('2025-05-01T00:00:00Z'), now, budgetSeconds: 43200 })?.rule,
    ).toBe('stale_source');
    expect(
      staleSource({ source: 'rss', lastSuccessAt: new Date('2025-05-02T06:00:00Z'), now, budgetSeconds: 43200 }),
    ).toBeUndefined();
    expect(staleSource({ source: 'rss', lastSuccessAt: null, now, budgetSeconds: 43200 })?.message).toMatch(
      /never succeeded/,
    );
  });

  it('should combine the per-source rules', () => {
    expect(
      evaluateSourceRun('csv', ok(0), steady)
        .map((a) => a.rule)
        .sort(),
    ).toEqual(['record_count_outlier', 'success_with_zero_rows']);
  });
});
