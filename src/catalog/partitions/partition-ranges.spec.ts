import { expiredRanges, instantsAhead, intervalStart, missingRanges, partitionName } from './partition-ranges.js';

const d = (s: string) => new Date(s);
const range = (from: string, to: string) => ({ from: d(from), to: d(to) });

describe('partition ranges', () => {
  describe('intervalStart', () => {
    it('should start months on the 1st, weeks on Monday and days at midnight, in UTC', () => {
      const at = d('2026-03-01T23:30:00Z'); // a Sunday
      expect([intervalStart(at, 'month'), intervalStart(at, 'week'), intervalStart(at, 'day')]).toEqual([
        d('2026-03-01T00:00:00Z'),
        d('2026-02-23T00:00:00Z'),
        d('2026-03-01T00:00:00Z'),
      ]);
    });
  });

  describe('missingRanges', () => {
    it('should plan one range per uncovered interval, none for covered instants', () => {
      const existing = [range('2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z')];
      const planned = missingRanges(
        existing,
        [d('2026-02-05T00:00:00Z'), d('2026-03-09T00:00:00Z'), d('2026-03-20T00:00:00Z'), d('2025-12-31T23:00:00Z')],
        'month',
      );
      expect(planned).toEqual([
        range('2025-12-01T00:00:00Z', '2026-01-01T00:00:00Z'),
        range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      ]);
    });

    it('should clip a range to neighbours of another width so no two partitions overlap', () => {
      // Daily partitions exist for Mar 10 and Mar 20; the interval is now monthly.
      const existing = [
        range('2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'),
        range('2026-03-20T00:00:00Z', '2026-03-21T00:00:00Z'),
      ];
      expect(missingRanges(existing, [d('2026-03-15T00:00:00Z'), d('2026-03-02T00:00:00Z')], 'month')).toEqual([
        range('2026-03-01T00:00:00Z', '2026-03-10T00:00:00Z'),
        range('2026-03-11T00:00:00Z', '2026-03-20T00:00:00Z'),
      ]);
    });
  });

  it('should list one instant per interval ahead, name partitions by their first day, and expire only ranges ending by the horizon', () => {
    expect(instantsAhead(d('2026-12-15T00:00:00Z'), d('2027-02-15T00:00:00Z'), 'month')).toEqual([
      d('2026-12-01T00:00:00Z'),
      d('2027-01-01T00:00:00Z'),
      d('2027-02-01T00:00:00Z'),
    ]);
    expect(partitionName('market_quotes', d('2026-03-01T00:00:00Z'))).toBe('market_quotes_p20260301');
    const jan = range('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    const feb = range('2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z');
    expect(expiredRanges([jan, feb], d('2026-02-01T00:00:00Z'))).toEqual([jan]);
  });
});
