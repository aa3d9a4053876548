import { fieldErrorDetails, RefusalError, type ErrorDetails } from '../../common/errors/domain-errors.js';
import { SourcesBusyError } from '../errors.js';

/**
 * A source id that no installed plugin has. Named as the `resource` operated on (a path: HTTP 404,
 * no such resource) or as a `field` of a request (HTTP 400 naming the field `source`).
 */
export class UnknownSourceIdError extends RefusalError {
  constructor(
    readonly source: string,
    readonly installed: string[],
    readonly namedAs: 'resource' | 'field',
  ) {
    super(`unknown source "${source}" (installed: ${installed.join(', ')})`);
  }

  get httpStatus(): 400 | 404 {
    return this.namedAs === 'resource' ? 404 : 400;
  }

  get details(): ErrorDetails | undefined {
    return this.namedAs === 'resource' ? undefined : fieldErrorDetails('source', this.message);
  }
}

/** Streams the source does not declare (HTTP 400, field `streams`). */
export class UnknownStreamError extends RefusalError {
  readonly httpStatus = 400;

  constructor(
    readonly source: string,
    readonly streams: string[],
    readonly declared: string[],
  ) {
    super(`source "${source}" has no stream(s) ${streams.join(', ')} (streams: ${declared.join(', ')})`);
  }

  get details(): ErrorDetails {
    return fieldErrorDetails('streams', this.message);
  }
}

/** No run has that id (HTTP 404). */
export class RunNotFoundError extends RefusalError {
  readonly httpStatus = 404;
  readonly details = undefined;

  constructor(readonly runId: string) {
    super(`run ${runId} not found`);
  }
}

/** The run ended already: there is nothing left to cancel (HTTP 409, with the run's `status`). */
export class RunFinishedError extends RefusalError {
  readonly httpStatus = 409;

  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    super(`run ${runId} already ended (${status}): only a running run can be cancelled`);
  }

  get details(): ErrorDetails {
    return { status: this.status };
  }
}

/**
 * Thrown by the runner at a batch boundary once a cancel was requested: the batch in hand is not
 * committed, so nothing half-done is left, and the source run ends `cancelled`.
 */
export class RunCancelledError extends Error {
  constructor(readonly runId: string) {
    super(
      `cancelled by an operator request; batches committed before the request are kept, the next run resumes from the last checkpoint`,
    );
    this.name = 'RunCancelledError';
  }
}

/** Replay ids that are not open quarantine entries of the source (HTTP 404). */
export class QuarantineEntriesNotOpenError extends RefusalError {
  readonly httpStatus = 404;
  readonly details = undefined;

  constructor(
    readonly source: string,
    readonly ids: string[],
  ) {
    super(`no open quarantine entr${ids.length === 1 ? 'y' : 'ies'} of source "${source}" with id ${ids.join(', ')}`);
  }
}

/** Errors that refuse an operation for a stated reason (the CLI prints them and exits 1). */
export function isOperationRefusal(err: unknown): err is Error {
  return [
    UnknownSourceIdError,
    UnknownStreamError,
    RunNotFoundError,
    RunFinishedError,
    QuarantineEntriesNotOpenError,
    SourcesBusyError,
    BackfillRequestError,
    BackfillNotFoundError,
  ].some((type) => err instanceof type);
}

/** A backfill request the source cannot serve (HTTP 400 naming the field). */
export class BackfillRequestError extends RefusalError {
  readonly httpStatus = 400;

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }

  get details(): ErrorDetails {
    return fieldErrorDetails(this.field, this.message);
  }
}

/** No backfill has that id (HTTP 404). */
export class BackfillNotFoundError extends RefusalError {
  readonly httpStatus = 404;
  readonly details = undefined;

  constructor(readonly backfillId: string) {
    super(`backfill ${backfillId} not found`);
  }
}
