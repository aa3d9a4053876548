/**
 * The consensus median as a SQL expression, the one implementation every consensus query uses:
 * `sorted` is a numeric[] sorted ascending, `n` its length. Exact: the middle element, or the mean
 * of the two middle ones (`* 0.5` is exact where `/ 2` rounds to 16 digits); NULL when n = 0.
 */
export function exactMedianSql(sorted: string, n: string): string {
  return `CASE WHEN ${n} = 0 THEN NULL WHEN ${n} % 2 = 1 THEN ${sorted}[(${n} + 1) / 2]
                 ELSE trim_scale((${sorted}[${n} / 2] + ${sorted}[${n} / 2 + 1]) * 0.5) END`;
}
