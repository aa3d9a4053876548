import { degradedSources } from './degraded-sources.js';
import type { LastRunRow } from './health.repository.js';

const now = Date.parse('2025-05-02T12:00:00Z');
const budgetMs = 3_600_000;
const run = (source: string, overrides: Partial<LastRunRow>): LastRunRow => ({
  source,
  status: 'succeeded',
  finished_at: new Date(now - 60_000),
  last_success_at: new Date(now - 60_000),
  ...overrides,
});

describe('degradedSources', () => {
  it('should list a source whose last run failed, was rate limited or abandoned', () => {
    const rows = ['failed', 'rate_limited', 'abandoned'].map((status) => run(status, { status }));
    expect(degradedSources(rows, budgetMs, now)).toEqual(['failed', 'rate_limited', 'abandoned']);
  });

  it('should list a source whose last success is older than the budget, or that never succeeded', () => {
    const rows = [
      run('old', { last_success_at: new Date(now - budgetMs - 1) }),
      run('never', { status: 'partial', last_success_at: null }),
    ];
    expect(degradedSources(rows, budgetMs, now)).toEqual(['old', 'never']);
  });

  it('should not list a source that succeeded within the budget or never ran', () => {
    const rows = [run('fresh', {}), run('new', { status: null, finished_at: null, last_success_at: null })];
    expect(degradedSources(rows, budgetMs, now)).toEqual([]);
  });
});
