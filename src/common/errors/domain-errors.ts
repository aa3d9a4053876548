/**
 * How the ETL reacts to an error: transient errors are retried, rate-limited ones end the source as
 * `rate_limited`, config errors fail fast with a hint, data errors quarantine the row.
 */
export type ErrorClassification = 'transient' | 'rate_limited' | 'config' | 'data' | 'internal';

export abstract class DomainError extends Error {
  abstract readonly classification: ErrorClassification;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An upstream API answered with an error or not at all. */
export class UpstreamError extends DomainError {
  readonly classification: ErrorClassification;
  constructor(
    message: string,
    readonly details: {
      source: string;
      url?: string;
      status?: number;
      attempt?: number;
      retryable: boolean;
      rateLimited?: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.classification = details.rateLimited ? 'rate_limited' : details.retryable ? 'transient' : 'config';
  }
}

/**
 * The retry budget (attempts or total wait) of a request was spent. When the upstream was limiting
 * us (429) the source ends as `rate_limited`; otherwise (5xx, timeouts) it failed.
 */
export class RetryBudgetExhaustedError extends DomainError {
  classification: ErrorClassification = 'transient';
  withRateLimited(rateLimited: boolean): this {
    this.classification = rateLimited ? 'rate_limited' : 'transient';
    return this;
  }
}

/** Injected on purpose (ETL_FAILURE_INJECTION) to prove recovery. */
export class InjectedFailureError extends DomainError {
  readonly classification = 'internal' as const;
}

/** The statuses an API answers a refused operation with. */
export type RefusalStatus = 400 | 404 | 409;

/** Fields an error body carries after `statusCode`, `error` and `message` (e.g. `running`, `errors`). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * An operation refused for a reason the caller can act on (unknown id, busy source, bad range): the
 * error names its HTTP answer, which the one exception filter sends, and the CLI prints its message.
 * The body is `{ statusCode, error, message, ...details }`; an error without details is answered
 * in Nest's message-only layout `{ message, error, statusCode }`, like a plain `NotFoundException`.
 */
export abstract class RefusalError extends DomainError {
  readonly classification: ErrorClassification = 'data';
  abstract readonly httpStatus: RefusalStatus;
  abstract readonly details: ErrorDetails | undefined;

  /** What the API says; by default the message the CLI prints. */
  get httpMessage(): string {
    return this.message;
  }
}

/** The details of a 400 that names the bad field, as the validation pipe's answers do. */
export function fieldErrorDetails(field: string, message: string): ErrorDetails {
  return { errors: [{ field, message }] };
}

/**
 * A resource now lives under another id (e.g. an asset absorbed by a merge): the API answers 308 to
 * the same path with the id replaced, the body saying where (`details` after `message`).
 */
export abstract class ResourceMovedError extends DomainError {
  readonly classification: ErrorClassification = 'data';
  abstract readonly details: ErrorDetails;

  constructor(
    message: string,
    readonly fromId: string,
    readonly toId: string,
  ) {
    super(message);
  }
}
