import { SourcesBusyError } from '../errors.js';

/** A source id that no installed plugin has (HTTP 404 on a path, 400 in a body). */
export class UnknownSourceIdError extends Error {
  constructor(readonly source: string, readonly installed: string[]) {
    super(`unknown source "${source}" (installed: ${installed.join(', ')})`);
    this.name = 'UnknownSourceIdError';
  }
}

/** Streams the source does not declare (HTTP 400). */
export class UnknownStreamError extends Error {
  constructor(readonly source: string, readonly streams: string[], readonly declared: string[]) {
    super(`source "${source}" has no stream(s) ${streams.join(', ')} (streams: ${declared.join(', ')})`);
    this.name = 'UnknownStreamError';
  }
}

/** No run has that id (HTTP 404). */
export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} not found`);
    this.name = 'RunNotFoundError';
  }
}

/** The run ended already: there is nothing left to cancel (HTTP 409). */
export class RunFinishedError extends Error {
  constructor(readonly runId: string, readonly status: string) {
    super(`run ${runId} already ended (${status}): only a running run can be cancelled`);
    this.name = 'RunFinishedError';
  }
}

/**
 * Thrown by the runner at a batch boundary once a cancel was requested: the batch in hand is not
 * committed, so nothing half-done is left, and the source run ends `cancelled`.
 */
export class RunCancelledError extends Error {
  constructor(readonly runId: string) {
    super(`cancelled by an operator request; batches committed before the request are kept, the next run resumes from the last checkpoint`);
    this.name = 'RunCancelledError';
  }
}

/** Replay ids that are not open quarantine entries of the source (HTTP 404). */
export class QuarantineEntriesNotOpenError extends Error {
  constructor(readonly source: string, readonly ids: string[]) {
    super(`no open quarantine entr${ids.length === 1 ? 'y' : 'ies'} of source "${source}" with id ${ids.join(', ')}`);
    this.name = 'QuarantineEntriesNotOpenError';
  }
}

/** Errors that refuse an operation for a stated reason (the CLI prints them and exits 1). */
export function isOperationRefusal(err: unknown): err is Error {
  return [UnknownSourceIdError, UnknownStreamError, RunNotFoundError, RunFinishedError, QuarantineEntriesNotOpenError, SourcesBusyError,
    BackfillRequestError, BackfillNotFoundError].some((type) => err instanceof type);
}

/** A backfill request the source cannot serve (HTTP 400 naming the field). */
export class BackfillRequestError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'BackfillRequestError';
  }
}

/** No backfill has that id (HTTP 404). */
export class BackfillNotFoundError extends Error {
  constructor(readonly backfillId: string) {
    super(`backfill ${backfillId} not found`);
    this.name = 'BackfillNotFoundError';
  }
}
