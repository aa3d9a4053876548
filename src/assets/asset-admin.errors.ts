import type { ErrorClassification } from '../common/errors/domain-errors.js';
import { DomainError } from '../common/errors/domain-errors.js';

/** An identity correction named an asset or source id that does not exist (404). */
export class IdentityNotFoundError extends DomainError {
  readonly classification: ErrorClassification = 'data';
  constructor(message: string, readonly field: string) {
    super(message);
  }
}

/**
 * An identity correction that cannot be done on the current state (409): merge into itself, two ids
 * of one source on one asset, the last source id split out, an id absorbed by an earlier merge,
 * or a run of an involved source in progress.
 */
export class IdentityConflictError extends DomainError {
  readonly classification: ErrorClassification = 'data';
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}
