import { RefusalError, type ErrorDetails } from '../../common/errors/domain-errors.js';

/** An identity correction named an asset or source id that does not exist (HTTP 404 naming the `field`). */
export class IdentityNotFoundError extends RefusalError {
  readonly httpStatus = 404;

  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }

  get details(): ErrorDetails {
    return { field: this.field };
  }
}

/**
 * An identity correction that cannot be done on the current state (HTTP 409 with the details): merge
 * into itself, two ids of one source on one asset, the last source id split out, an id absorbed by an
 * earlier merge, or a run of an involved source in progress.
 */
export class IdentityConflictError extends RefusalError {
  readonly httpStatus = 409;

  constructor(
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}
