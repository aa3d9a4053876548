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
    readonly details: { source: string; url?: string; status?: number; attempt?: number; retryable: boolean; rateLimited?: boolean },
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
