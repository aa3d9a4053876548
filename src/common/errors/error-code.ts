/** The `code` a Node, pg or other library error carries (MODULE_NOT_FOUND, ECONNREFUSED, a SQLSTATE), if any. */
export function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** The message of anything thrown: an Error's own, else the value as text. */
export function errorMessageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
