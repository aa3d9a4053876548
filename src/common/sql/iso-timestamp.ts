/**
 * A timestamptz column as ISO-8601 UTC text, made in SQL. `ms`: what Date#toISOString gives (the
 * API's format); `us`: microseconds, PostgreSQL's full precision, for keyset cursors (a Date would
 * drop the last three digits and the next page would repeat or skip rows).
 */
export function isoTimestampSql(column: string, precision: 'ms' | 'us' = 'ms'): string {
  const fraction = precision === 'us' ? 'US' : 'MS';
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"')`;
}
