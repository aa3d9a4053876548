/**
 * The time a client spent not talking to its upstream, by cause. Kept apart because each answers a
 * different question: `rateLimitWaitMs` our own token bucket (is our limit too low?), `backoffWaitMs`
 * the sleeps between failed attempts (is the upstream unhealthy?), `retryAfterWaitMs` the waits an
 * upstream asked for with Retry-After (is it limiting us?). The last one alone is what the
 * Retry-After budget (HTTP_RETRY_MAX_WAIT_MS) caps.
 */
export interface Waits {
  rateLimitWaitMs: number;
  backoffWaitMs: number;
  retryAfterWaitMs: number;
}

export type WaitKind = keyof Waits;

export function totalWait(w: Waits): number {
  return w.rateLimitWaitMs + w.backoffWaitMs + w.retryAfterWaitMs;
}

/** `backoff 120 ms, Retry-After 0 ms, rate limit 3 ms`, for error messages. */
export function describeWaits(w: Waits): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  return `backoff ${ms(w.backoffWaitMs)}, Retry-After ${ms(w.retryAfterWaitMs)}, rate limit ${ms(w.rateLimitWaitMs)}`;
}

export interface BackoffParams {
  /** 1 for the wait after the first failed attempt. */
  attempt: number;
  baseMs: number;
  /** No single wait is longer. */
  capMs: number;
  /** In [0, 1). */
  random: () => number;
}

/** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffDelay(p: BackoffParams): number {
  const ceiling = Math.min(p.capMs, p.baseMs * 2 ** (p.attempt - 1));
  return Math.round(p.random() * ceiling);
}
