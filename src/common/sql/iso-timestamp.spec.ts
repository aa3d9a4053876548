import { isoTimestampSql } from './iso-timestamp.js';

describe('isoTimestampSql', () => {
  it('should format milliseconds by default, as Date#toISOString does', () => {
    expect(isoTimestampSql('q.observed_at')).toBe(
      `to_char(q.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    );
  });

  it('should format microseconds for keyset cursors', () => {
    expect(isoTimestampSql('n.published_at', 'us')).toBe(
      `to_char(n.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    );
  });
});
