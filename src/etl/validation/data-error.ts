/**
 * PostgreSQL errors that a row's values cause (SQLSTATE class 22 "data exception", class 23
 * "integrity constraint violation"), as opposed to the connection, the server or the code. Only
 * these are worth isolating row by row: another row of the batch would not fail the same way.
 */
export function isDataError(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/** The SQLSTATE of a driver error, also when TypeORM wraps it (QueryFailedError.driverError). */
export function sqlStateOf(err: unknown): string | undefined {
  for (const candidate of [err, (err as { driverError?: unknown } | null)?.driverError]) {
    const code = (candidate as { code?: unknown } | null | undefined)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** The database's own words for a quarantine reason: message, detail, SQLSTATE. */
export function describeDataError(err: unknown): string {
  const e = (err as { driverError?: unknown }).driverError ?? err;
  const message = e instanceof Error ? e.message : String(e);
  const detail = (e as { detail?: unknown }).detail;
  const state = sqlStateOf(err);
  const details = typeof detail === 'string' && detail ? ` (${detail})` : '';
  return `${message}${details}${state ? ` [SQLSTATE ${state}]` : ''}`;
}
