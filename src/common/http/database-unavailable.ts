/**
 * Recognises "the database cannot answer right now" among the errors TypeORM and node-postgres
 * raise, so the API says 503 + Retry-After (try again, nothing is wrong with the request) instead
 * of 500. The cause chain is walked: TypeORM wraps driver errors (QueryFailedError.driverError),
 * Node wraps connection failures (AggregateError.errors for every address tried, Error.cause).
 */

/** Socket-level failures reaching the database host. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs meaning the server, not the query, is the problem: class 08 (connection
 * exception), 57P01-57P03 (admin/crash shutdown, cannot connect now: the "terminating connection"
 * messages), 53300 (too many connections), 57014 (statement timeout: overloaded).
 */
const SQLSTATES = /^(08\d{3}|57P0[1-3]|53300|57014)$/;

/** Messages without a code: node-postgres' and pg-pool's own, TypeORM's "not connected". */
const MESSAGES = [
  /terminating connection/i,
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /client has encountered a connection error and is not queryable/i,
  /cannot use a pool after calling end/i,
  /connection is not established|driver not connected/i,
  /connect(ion)? timed? ?out/i,
  /is not currently accepting connections/i,
];

export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, message, driverError, cause, errors } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.test(code))) return true;
    if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
    queue.push(driverError, cause, ...(Array.isArray(errors) ? errors : []));
  }
  return false;
}
