import { errorCodeOf, errorMessageOf } from '../../common/errors/error-code.js';

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
  for (const candidate of [err, driverErrorOf(err)]) {
    const code = errorCodeOf(candidate);
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** The database's own words for a quarantine reason: message, detail, SQLSTATE. */
export function describeDataError(err: unknown): string {
  const e = driverErrorOf(err) ?? err;
  const message = errorMessageOf(e);
  const detail = typeof e === 'object' && e !== null && 'detail' in e ? e.detail : undefined;
  const state = sqlStateOf(err);
  const details = typeof detail === 'string' && detail ? ` (${detail})` : '';
  return `${message}${details}${state ? ` [SQLSTATE ${state}]` : ''}`;
}

/** The driver's own error inside TypeORM's wrapper (QueryFailedError.driverError), if any. */
function driverErrorOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'driverError' in err ? err.driverError : undefined;
}
