/*
 * Reading caught values by shape, not by `instanceof Error`: errors raised inside Node itself (fetch's
 * undici, a socket) may come from another realm (a test runner's VM context), where `instanceof`
 * answers false for a perfectly normal Error.
 */

/** The `code` a Node, pg or other library error carries (MODULE_NOT_FOUND, ECONNREFUSED, a SQLSTATE), if any. */
export function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** The message of anything thrown: an error's own, else the value as text. */
export function errorMessageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') {
    return err.message;
  }
  return String(err);
}

/** What an error says caused it (`Error.cause`: fetch's "fetch failed" wraps the ECONNREFUSED), if anything. */
export function errorCauseOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'cause' in err ? err.cause : undefined;
}
