import { TokenBucket } from 'limiter';

/**
 * A token bucket per source (shared by all its streams). The bucket starts full so the first
 * requests of a run go out at once, then refills at `requestsPerMinute`.
 */
export class SourceRateLimiter {
  private readonly bucket: TokenBucket;
  private readonly recent: number[] = [];

  constructor(
    readonly source: string,
    readonly requestsPerMinute: number,
    readonly bucketSize = Math.max(1, Math.min(Math.ceil(requestsPerMinute / 6), 60)),
    private readonly now: () => number = Date.now,
  ) {
    this.bucket = new TokenBucket({ bucketSize, tokensPerInterval: requestsPerMinute, interval: 'minute' });
    this.bucket.content = bucketSize;
  }

  /** Waits for one token; returns the milliseconds spent waiting. Rejects if `signal` aborts. */
  async take(signal?: AbortSignal): Promise<number> {
    const started = this.now();
    signal?.throwIfAborted();
    if (!this.bucket.tryRemoveTokens(1)) {
      await abortable(this.bucket.removeTokens(1), signal);
    }
    this.recordRequest();
    return this.now() - started;
  }

  /** What /observability/metrics/json shows of this limit. */
  describe(): {
    source: string;
    requests_per_minute: number;
    bucket_size: number;
    available_tokens: number;
    requests_last_minute: number;
  } {
    this.bucket.drip();
    this.prune();
    return {
      source: this.source,
      requests_per_minute: this.requestsPerMinute,
      bucket_size: this.bucketSize,
      available_tokens: Math.floor(this.bucket.content),
      requests_last_minute: this.recent.length,
    };
  }

  private recordRequest(): void {
    this.recent.push(this.now());
    this.prune();
  }

  private prune(): void {
    const cutoff = this.now() - 60_000;
    while (this.recent.length > 0 && this.recent[0] < cutoff) this.recent.shift();
  }
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
