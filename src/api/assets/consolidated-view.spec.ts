import type { LatestRow } from '../../catalog/latest-quotes.repository.js';
import { judgeFreshness } from './consolidated-view.js';

const asOf = new Date('2025-06-01T12:00:00.000Z');

function quote(overrides: Partial<LatestRow>): LatestRow {
  return {
    source: 's',
    price_usd: '1',
    market_cap_usd: null,
    volume_24h_usd: null,
    observed_at: '2025-06-01T11:00:00.000Z',
    age_seconds: 3600,
    fresh: true,
    ...overrides,
  };
}

describe('judgeFreshness', () => {
  it.each([
    ['one fresh source', [quote({}), quote({ source: 't', fresh: false, age_seconds: 90_000 })], 1, false, null],
    ['no quotes', [], 0, true, 'no quotes for this asset'],
    [
      'only old quotes',
      [quote({ fresh: false, age_seconds: 50_000 }), quote({ source: 't', fresh: false, age_seconds: 90_000 })],
      0,
      true,
      'no source has a quote within 43200 s of as_of; the newest past quote is 50000 s old',
    ],
    [
      'only a far-future quote',
      [quote({ fresh: false, age_seconds: -1e9 })],
      0,
      true,
      'no source has a quote within 43200 s of as_of; ' +
        '1 quote(s) dated more than 43200 s in the future are not counted',
    ],
  ])('should judge %s', (_case, latest, fresh, stale, reason) => {
    expect(judgeFreshness({ latest, asOf, budgetSeconds: 43_200 })).toEqual({
      as_of: '2025-06-01T12:00:00.000Z',
      freshness_budget_seconds: 43_200,
      fresh_sources: fresh,
      stale,
      stale_reason: reason,
    });
  });
});
