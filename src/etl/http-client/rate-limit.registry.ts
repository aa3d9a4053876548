import { Injectable } from '@nestjs/common';
import { SourceRateLimiter } from './rate-limiter.js';

/** The configured limit and current usage of one source's rate limiter. */
export type RateLimitDescription = ReturnType<SourceRateLimiter['describe']>;

/** One rate limiter per source, shared by every stream and run of that source in this process. */
@Injectable()
export class RateLimitRegistry {
  private readonly limiters = new Map<string, SourceRateLimiter>();

  registerSource(source: string, requestsPerMinute: number): void {
    if (!this.limiters.has(source)) this.limiters.set(source, new SourceRateLimiter(source, requestsPerMinute));
  }

  limiterFor(source: string): SourceRateLimiter {
    const limiter = this.limiters.get(source);
    if (!limiter) throw new Error(`no rate limit registered for source ${source}`);
    return limiter;
  }

  /** The configured limit and current usage of every source (served by /observability/metrics/json). */
  describeLimits(): RateLimitDescription[] {
    return [...this.limiters.values()].map((l) => l.describe()).sort((a, b) => a.source.localeCompare(b.source));
  }
}
