import type { LoggerService } from '@nestjs/common';
import { backOff } from 'exponential-backoff';
import { Readable } from 'node:stream';
import { RetryBudgetExhaustedError, UpstreamError } from '../../common/errors/domain-errors.js';
import { maskUrl } from '../../common/logging/logger.options.js';
import type { MetricsService } from '../../metrics/metrics.service.js';
import type { HttpRequestOptions, SourceHttpClient } from '../extractor/extractor.interface.js';
import { parseJson } from '../extractor/json-number.js';
import type { SourceRateLimiter } from './rate-limiter.js';
import { parseRetryAfter } from './retry-after.js';
import { httpStatusError, malformedBodyError, transportError } from './upstream-failure.js';

export interface RetryPolicy {
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  /** Cap on one backoff wait, and on the sum of all Retry-After waits of this client. */
  maxWaitMs: number;
}

/** Counters of one source run, read by the engine for the run ledger. */
export interface HttpUsage {
  requests: number;
  retries: number;
  waitMs: number;
}

/**
 * The SourceHttpClient handed to an extractor for one run: rate limit, timeout, retries with
 * exponential backoff and full jitter (exponential-backoff), Retry-After as the minimum wait, fail
 * fast on 400/401/402/403/404, and a budget after which the source ends as `rate_limited`.
 */
export class RetryingHttpClient implements SourceHttpClient {
  readonly usage: HttpUsage = { requests: 0, retries: 0, waitMs: 0 };

  constructor(
    private readonly source: string,
    private readonly limiter: SourceRateLimiter,
    private readonly policy: RetryPolicy,
    private readonly metrics: MetricsService,
    private readonly logger: LoggerService,
    private readonly runSignal?: AbortSignal,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {}

  getJson<T = unknown>(url: string, options: HttpRequestOptions = {}): Promise<T> {
    return this.request(url, options, async (response, safeUrl, attempt) => {
      const text = await readBody(response, this.source, safeUrl, attempt);
      if (text.trim() === '') throw malformedBodyError(this.source, safeUrl, attempt, 'empty body');
      try {
        // Lossless: numbers arrive as JsonNumber (their decimal text), never rounded through a double.
        return parseJson(text) as T;
      } catch (err) {
        throw malformedBodyError(this.source, safeUrl, attempt, `invalid JSON (${(err as Error).message})`, err);
      }
    });
  }

  getText(url: string, options: HttpRequestOptions = {}): Promise<string> {
    return this.request(url, options, async (response, safeUrl, attempt) => {
      const text = await readBody(response, this.source, safeUrl, attempt);
      if (text.trim() === '') throw malformedBodyError(this.source, safeUrl, attempt, 'empty body');
      return text;
    });
  }

  getStream(url: string, options: HttpRequestOptions = {}): Promise<NodeJS.ReadableStream> {
    return this.request(url, options, (response, safeUrl, attempt) => {
      if (!response.body) throw malformedBodyError(this.source, safeUrl, attempt, 'empty body');
      return Promise.resolve(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream));
    });
  }

  private async request<T>(
    url: string,
    options: HttpRequestOptions,
    consume: (response: Response, safeUrl: string, attempt: number) => Promise<T>,
  ): Promise<T> {
    const fullUrl = withQuery(url, options.query);
    const safeUrl = maskUrl(fullUrl);
    const signal = anySignal([this.runSignal, options.signal]);
    let lastError: UpstreamError | undefined;
    let attempt = 0;
    try {
      const retrying = backOff(
        async () => {
          signal?.throwIfAborted();
          attempt += 1;
          return await this.attemptOnce(fullUrl, safeUrl, options, signal, attempt, consume);
        },
        {
          numOfAttempts: this.policy.maxRetries + 1,
          startingDelay: this.policy.baseDelayMs,
          timeMultiple: 2,
          maxDelay: this.policy.maxWaitMs,
          jitter: 'full',
          retry: async (error: unknown, attemptNumber: number) => {
            if (signal?.aborted || !(error instanceof UpstreamError) || !error.details.retryable) return false;
            lastError = error;
            if (attemptNumber > this.policy.maxRetries) return false;
            const retryAfterMs = (error as UpstreamError & { retryAfterMs?: number }).retryAfterMs;
            if (retryAfterMs !== undefined) {
              if (this.usage.waitMs + retryAfterMs > this.policy.maxWaitMs) return false;
              await this.wait(retryAfterMs, signal);
            }
            this.usage.retries += 1;
            const reason = error.details.status ? String(error.details.status) : /timed out/.test(error.message) ? 'timeout' : 'network';
            this.metrics.retry(this.source, reason);
            this.logger.warn?.({ source: this.source, url: safeUrl, attempt: attemptNumber, reason, retryAfterMs, error: error.message }, 'retrying upstream request');
            return true;
          },
        },
      );
      // exponential-backoff cannot cancel its sleep: on abort (shutdown) stop waiting for it at once;
      // its next attempt sees the aborted signal and ends the loop.
      retrying.catch(() => undefined);
      if (!signal) return await retrying;
      const aborted = rejectOnAbort(signal);
      try {
        return await Promise.race([retrying, aborted.promise]);
      } finally {
        // The run's signal lives for the whole process: never leave a listener on it per request.
        aborted.dispose();
      }
    } catch (error) {
      if (error instanceof UpstreamError && error.details.retryable && lastError) {
        throw new RetryBudgetExhaustedError(
          `${this.source}: gave up after ${attempt} attempt(s) and ${Math.round(this.usage.waitMs)} ms of waiting: ${error.message}`,
          { cause: error },
        ).withRateLimited(error.details.rateLimited === true);
      }
      throw error;
    }
  }

  private async attemptOnce<T>(
    url: string,
    safeUrl: string,
    options: HttpRequestOptions,
    signal: AbortSignal | undefined,
    attempt: number,
    consume: (response: Response, safeUrl: string, attempt: number) => Promise<T>,
  ): Promise<T> {
    const waited = await this.limiter.take(signal);
    if (waited > 0) this.recordWait(waited);
    // The timeout covers the headers and, for getJson/getText, the body; a stream handed to the
    // extractor is not cut off while the extractor is busy writing batches (backpressure).
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('upstream request timed out', 'TimeoutError')), options.timeoutMs ?? this.policy.timeoutMs);
    const requestSignal = anySignal([signal, timeout.signal])!;
    try {
      return await this.send(url, safeUrl, options, signal, requestSignal, timeout.signal, attempt, consume);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send<T>(
    url: string,
    safeUrl: string,
    options: HttpRequestOptions,
    signal: AbortSignal | undefined,
    requestSignal: AbortSignal,
    timeout: AbortSignal,
    attempt: number,
    consume: (response: Response, safeUrl: string, attempt: number) => Promise<T>,
  ): Promise<T> {
    this.usage.requests += 1;
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json, application/xml, text/xml, */*', ...options.headers }, signal: requestSignal });
    } catch (err) {
      signal?.throwIfAborted();
      this.metrics.upstreamRequest(this.source, timeout.aborted ? 'timeout' : 'network');
      throw transportError(this.source, safeUrl, attempt, err, timeout.aborted);
    }
    this.metrics.upstreamRequest(this.source, String(response.status));
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      const error = httpStatusError(this.source, response.status, safeUrl, attempt, body);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfterMs !== undefined) Object.assign(error, { retryAfterMs: Math.min(retryAfterMs, this.policy.maxWaitMs + 1) });
      throw error;
    }
    try {
      return await consume(response, safeUrl, attempt);
    } catch (err) {
      signal?.throwIfAborted();
      if (err instanceof UpstreamError) throw err;
      throw transportError(this.source, safeUrl, attempt, err, timeout.aborted);
    }
  }

  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    await this.sleep(ms, signal);
    this.recordWait(ms);
  }

  private recordWait(ms: number): void {
    this.usage.waitMs += ms;
    this.metrics.rateLimitWaited(this.source, ms / 1000);
  }
}

async function readBody(response: Response, source: string, safeUrl: string, attempt: number): Promise<string> {
  try {
    return await response.text();
  } catch (err) {
    throw malformedBodyError(source, safeUrl, attempt, `body could not be read (${(err as Error).message})`, err);
  }
}

function withQuery(url: string, query?: Record<string, string | number | undefined>): string {
  if (!query) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
