import { FAILED_RUN_STATUSES, lastFinishedAtSql, lastSourceRunSql } from './last-source-run.js';

describe('lastSourceRunSql', () => {
  it('should read the newest run of the source by started_at, then id', () => {
    expect(lastSourceRunSql('s.source', 'r.status')).toBe(
      'SELECT r.status FROM etl_source_runs r WHERE r.source = s.source ORDER BY r.started_at DESC, r.id DESC LIMIT 1',
    );
  });
});

describe('lastFinishedAtSql', () => {
  it('should filter by the given statuses when there are some', () => {
    expect(lastFinishedAtSql('$1', FAILED_RUN_STATUSES)).toBe(
      "(SELECT max(r.finished_at) FROM etl_source_runs r WHERE r.source = $1 AND r.status IN ('failed', 'rate_limited', 'abandoned'))",
    );
  });

  it('should take any status when none is given', () => {
    expect(lastFinishedAtSql('s.source')).toBe(
      '(SELECT max(r.finished_at) FROM etl_source_runs r WHERE r.source = s.source)',
    );
  });
});
