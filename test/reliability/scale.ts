/**
 * `npm test` runs the reduced reliability suite; `npm run test:reliability` (RELIABILITY_FULL=1)
 * runs the full one: more kills, more rows, more fuzz inputs, a 10-minute soak.
 */
export const FULL = process.env.RELIABILITY_FULL === '1';
export const scale = <T>(reduced: T, full: T): T => (FULL ? full : reduced);
