import { fieldErrorDetails, RefusalError, type ErrorDetails } from '../common/errors/domain-errors.js';

/**
 * Sources that are running now (HTTP 409). A run trigger (`run`, thrown by the runner) and an
 * operator operation on the source (`operation`: reset, replay) word their answer differently.
 */
export class SourcesBusyError extends RefusalError {
  readonly httpStatus = 409;

  constructor(
    readonly sources: string[],
    readonly refused: 'run' | 'operation' = 'run',
  ) {
    super(`already running: ${sources.join(', ')}`);
  }

  get details(): ErrorDetails {
    return { running: this.sources };
  }

  override get httpMessage(): string {
    const list = this.sources.join(', ');
    return this.refused === 'run'
      ? `Sources already running: ${list}`
      : `Sources running now: ${list}; retry when the run ends`;
  }
}

/** A requested source id that is not enabled or not installed (HTTP 400, field `sources`). */
export class UnknownSourceError extends RefusalError {
  readonly httpStatus = 400;

  constructor(
    readonly sources: string[],
    readonly enabled: string[],
  ) {
    super(`unknown or disabled source(s): ${sources.join(', ')} (enabled: ${enabled.join(', ')})`);
  }

  get details(): ErrorDetails {
    return fieldErrorDetails('sources', this.message);
  }
}
