import { isDataError } from './data-error.js';

/** The savepoint operations isolation needs, on the batch's transaction. */
export interface SavepointSteps {
  savepoint(): Promise<void>;
  rollbackToSavepoint(): Promise<void>;
  releaseSavepoint(): Promise<void>;
}

export interface IsolationResult<T, R> {
  /** What each successful write returned, in order. */
  results: R[];
  /** The units that fail alone, each with the database's error. */
  failed: Array<{ unit: T; error: unknown }>;
}

export interface IsolationRequest<T, R> {
  /** The batch's units (records), known to fail together. */
  units: T[];
  /** Writes some units inside the open transaction; throws what the database throws. */
  write: (units: T[]) => Promise<R>;
  savepoints: SavepointSteps;
}

/**
 * Finds the units a data error comes from by bisection inside savepoints: a half that writes
 * cleanly stays written, a half that fails is rolled back to its savepoint and split again, down to
 * single units, which are returned as failed. k bad units among n cost about 1 + 2·k·log2(n) attempts.
 * Errors that are not data errors (connection lost, an injected failure) end the isolation and
 * propagate: they say nothing about a row.
 */
export async function isolateFailingUnits<T, R>(request: IsolationRequest<T, R>): Promise<IsolationResult<T, R>> {
  const outcome: IsolationResult<T, R> = { results: [], failed: [] };
  const attempt = async (units: T[]): Promise<void> => {
    await request.savepoints.savepoint();
    try {
      outcome.results.push(await request.write(units));
      await request.savepoints.releaseSavepoint();
    } catch (err) {
      if (!isDataError(err)) throw err;
      await request.savepoints.rollbackToSavepoint();
      await request.savepoints.releaseSavepoint();
      await split(units, err);
    }
  };
  const split = async (units: T[], error: unknown): Promise<void> => {
    if (units.length === 1) {
      outcome.failed.push({ unit: units[0], error });
      return;
    }
    const middle = Math.ceil(units.length / 2);
    await attempt(units.slice(0, middle));
    await attempt(units.slice(middle));
  };
  // The whole set first: the batch's failure may not come from its rows at all (then none is blamed).
  if (request.units.length > 0) await attempt(request.units);
  return outcome;
}
