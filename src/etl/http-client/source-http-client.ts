import type { LoggerService } from '@nestjs/common';
import { Readable } from 'node:stream';
import { RetryBudgetExhaustedError, UpstreamError } from '../../common/errors/domain-errors.js';
import { maskUrl } from '../../platform/logging/logger.options.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import type { MetricsService } from '../../platform/metrics/metrics.service.js';
import { parseJson, type HttpRequestOptions, type SourceHttpClient } from '@kasparro/etl-plugin-sdk';
import type { SourceRateLimiter } from './rate-limiter.js';
import { parseRetryAfter } from './retry-after.js';
import { httpStatusError, malformedBodyError, transportError, type RequestAt } from './upstream-failure.js';
import { backoffDelay, describeWaits, totalWait, type WaitKind, type Waits } from './waits.js';

export interface RetryPolicy {
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  /** Cap on one backoff wait, and on the sum of all Retry-After waits of this client. */
  maxWaitMs: number;
}

/**
 * Counters of one source run, read by the engine for the run ledger. The three waits are apart:
 * our own rate limit, the backoff sleeps between attempts, and the waits an upstream asked for.
 */
export interface HttpUsage extends Waits {
  requests: number;
  retries: number;
}

export interface RetryingHttpClientOptions {
  source: string;
  limiter: SourceRateLimiter;
  policy: RetryPolicy;
  metrics: MetricsService;
  logger: LoggerService;
  /** Aborts every request of this client (shutdown, run cancelled). */
  signal?: AbortSignal;
  /** Masks configured secrets in an upstream's error body before it is cut to an excerpt. */
  masker?: SecretMasker;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The jitter's source, in [0, 1). */
  random?: () => number;
}

/**
 * The SourceHttpClient handed to an extractor for one run: rate limit, timeout, retries with
 * exponential backoff and full jitter, Retry-After as the minimum wait, fail fast on
 * 400/401/402/403/404, and a budget after which the source ends as `rate_limited`. Every wait is
 * measured and counted by kind, in `usage` and in the message of a request that gave up.
 */
export class RetryingHttpClient implements SourceHttpClient {
  readonly usage: HttpUsage = { requests: 0, retries: 0, rateLimitWaitMs: 0, backoffWaitMs: 0, retryAfterWaitMs: 0 };
  private readonly source: string;
  private readonly limiter: SourceRateLimiter;
  private readonly policy: RetryPolicy;
  private readonly metrics: MetricsService;
  private readonly logger: LoggerService;
  private readonly runSignal: AbortSignal | undefined;
  private readonly masker: SecretMasker;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(options: RetryingHttpClientOptions) {
    this.source = options.source;
    this.limiter = options.limiter;
    this.policy = options.policy;
    this.metrics = options.metrics;
    this.logger = options.logger;
    this.runSignal = options.signal;
    this.masker = options.masker ?? SecretMasker.none();
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
  }

  getJson<T = unknown>(url: string, options: HttpRequestOptions = {}): Promise<T> {
    return this.request(url, options, async (response, at) => {
      const text = await readBody(response, at);
      if (text.trim() === '') throw malformedBodyError(at, 'empty body');
      try {
        // Lossless: numbers arrive as JsonNumber (their decimal text), never rounded through a double.
        return parseJson(text) as T;
      } catch (err) {
        throw malformedBodyError(at, `invalid JSON (${(err as Error).message})`, err);
      }
    });
  }

  getText(url: string, options: HttpRequestOptions = {}): Promise<string> {
    return this.request(url, options, async (response, at) => {
      const text = await readBody(response, at);
      if (text.trim() === '') throw malformedBodyError(at, 'empty body');
      return text;
    });
  }

  getStream(url: string, options: HttpRequestOptions = {}): Promise<NodeJS.ReadableStream> {
    return this.request(url, options, (response, at) => {
      if (!response.body) throw malformedBodyError(at, 'empty body');
      return Promise.resolve(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream));
    });
  }

  private async request<T>(url: string, options: HttpRequestOptions, consume: Consume<T>): Promise<T> {
    const fullUrl = withQuery(url, options.query);
    const safeUrl = maskUrl(fullUrl);
    const signal = anySignal([this.runSignal, options.signal]);
    // This request's own waits, for the message if it gives up (usage sums every request's).
    const waited: Waits = { rateLimitWaitMs: 0, backoffWaitMs: 0, retryAfterWaitMs: 0 };
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      let error: unknown;
      try {
        return await this.attemptOnce({ url: fullUrl, safeUrl, options, signal, attempt, waited }, consume);
      } catch (err) {
        error = err;
      }
      signal?.throwIfAborted();
      if (!(error instanceof UpstreamError) || !error.details.retryable) throw error;
      const retryAfterMs = (error as UpstreamError & { retryAfterMs?: number }).retryAfterMs ?? 0;
      // The Retry-After budget counts only the waits upstreams asked for, not our own rate limit.
      const budgetLeft = this.policy.maxWaitMs - this.usage.retryAfterWaitMs;
      if (attempt > this.policy.maxRetries || retryAfterMs > budgetLeft) {
        const why =
          retryAfterMs > budgetLeft
            ? `Retry-After asked for ${retryAfterMs} ms, over the ${Math.round(budgetLeft)} ms left of the wait budget`
            : undefined;
        throw this.gaveUp(error, { attempts: attempt, waited, why });
      }
      this.usage.retries += 1;
      const reason = retryReason(error);
      this.metrics.retry(this.source, reason);
      const entry = { source: this.source, url: safeUrl, attempt, reason, retryAfterMs, error: error.message };
      this.logger.warn?.(entry, 'retrying upstream request');
      // Retry-After is the minimum wait; the backoff only adds what goes beyond it.
      const { baseDelayMs: baseMs, maxWaitMs: capMs } = this.policy;
      const backoffMs = backoffDelay({ attempt, baseMs, capMs, random: this.random });
      if (retryAfterMs > 0) await this.wait({ kind: 'retryAfterWaitMs', ms: retryAfterMs, waited, signal });
      if (backoffMs > retryAfterMs) {
        await this.wait({ kind: 'backoffWaitMs', ms: backoffMs - retryAfterMs, waited, signal });
      }
    }
  }

  private gaveUp(error: UpstreamError, { attempts, waited, why }: GiveUp): RetryBudgetExhaustedError {
    const message =
      `${this.source}: gave up after ${attempts} attempt(s) and ${Math.round(totalWait(waited))} ms of waiting ` +
      `(${describeWaits(waited)})${why ? `; ${why}` : ''}: ${error.message}`;
    return new RetryBudgetExhaustedError(message, { cause: error }).withRateLimited(error.details.rateLimited === true);
  }

  private async attemptOnce<T>(attempt: Attempt, consume: Consume<T>): Promise<T> {
    const waitedForToken = await this.limiter.take(attempt.signal);
    if (waitedForToken > 0) this.record('rateLimitWaitMs', waitedForToken, attempt.waited);
    // The timeout covers the headers and, for getJson/getText, the body; a stream handed to the
    // extractor is not cut off while the extractor is busy writing batches (backpressure).
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('upstream request timed out', 'TimeoutError')),
      attempt.options.timeoutMs ?? this.policy.timeoutMs,
    );
    try {
      return await this.send(attempt, timeout.signal, consume);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send<T>(attempt: Attempt, timeout: AbortSignal, consume: Consume<T>): Promise<T> {
    const { url, safeUrl, options, signal } = attempt;
    const at: RequestAt = { source: this.source, safeUrl, attempt: attempt.attempt };
    const requestSignal = anySignal([signal, timeout])!;
    this.usage.requests += 1;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json, application/xml, text/xml, */*', ...options.headers },
        signal: requestSignal,
      });
    } catch (err) {
      signal?.throwIfAborted();
      this.metrics.upstreamRequest(this.source, timeout.aborted ? 'timeout' : 'network');
      throw transportError(at, err, timeout.aborted);
    }
    this.metrics.upstreamRequest(this.source, String(response.status));
    if (!response.ok) {
      // Masked before the excerpt is cut: a cut through a secret would leave a piece of it.
      const body = this.masker.mask(await response.text().catch(() => ''));
      const error = httpStatusError(at, response.status, body);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfterMs !== undefined) Object.assign(error, { retryAfterMs });
      throw error;
    }
    try {
      return await consume(response, at);
    } catch (err) {
      signal?.throwIfAborted();
      if (err instanceof UpstreamError) throw err;
      throw transportError(at, err, timeout.aborted);
    }
  }

  /** Sleeps and counts the time actually slept (also when the sleep is cut short by an abort). */
  private async wait({ kind, ms, waited, signal }: Wait): Promise<void> {
    const started = performance.now();
    try {
      await this.sleep(ms, signal);
    } finally {
      this.record(kind, performance.now() - started, waited);
    }
  }

  private record(kind: WaitKind, ms: number, waited: Waits): void {
    this.usage[kind] += ms;
    waited[kind] += ms;
    // The metric keeps its meaning: time spent because of rate limits, ours or the upstream's.
    if (kind !== 'backoffWaitMs') this.metrics.rateLimitWaited(this.source, ms / 1000);
  }
}

function retryReason(error: UpstreamError): string {
  if (error.details.status) return String(error.details.status);
  return /timed out/.test(error.message) ? 'timeout' : 'network';
}

type Consume<T> = (response: Response, at: RequestAt) => Promise<T>;

/** Why a request gives up: after how many attempts and waits, and the reason beyond the last error. */
interface GiveUp {
  attempts: number;
  waited: Waits;
  why?: string;
}

/** A wait before the next attempt, counted into the request's waits. */
interface Wait {
  kind: WaitKind;
  ms: number;
  waited: Waits;
  signal?: AbortSignal;
}

/** One attempt of one request. */
interface Attempt {
  url: string;
  safeUrl: string;
  options: HttpRequestOptions;
  signal: AbortSignal | undefined;
  attempt: number;
  waited: Waits;
}

async function readBody(response: Response, at: RequestAt): Promise<string> {
  try {
    return await response.text();
  } catch (err) {
    throw malformedBodyError(at, `body could not be read (${(err as Error).message})`, err);
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
