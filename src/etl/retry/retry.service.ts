import { Injectable, type LoggerService } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { SourceRateLimiter } from './rate-limiter.js';
import { RetryingHttpClient } from './source-http-client.js';

/**
 * Owns one rate limiter per source (shared by every stream and run of that source in this process)
 * and hands each source run its retrying HTTP client.
 */
@Injectable()
export class RetryService {
  private readonly limiters = new Map<string, SourceRateLimiter>();

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly masker: SecretMasker,
  ) {}

  registerSource(source: string, requestsPerMinute: number): void {
    if (!this.limiters.has(source)) this.limiters.set(source, new SourceRateLimiter(source, requestsPerMinute));
  }

  clientFor(source: string, logger: LoggerService, signal?: AbortSignal): RetryingHttpClient {
    const limiter = this.limiters.get(source);
    if (!limiter) throw new Error(`no rate limit registered for source ${source}`);
    const { timeoutMs, maxRetries, retryBaseMs, retryMaxWaitMs } = this.config.http;
    return new RetryingHttpClient({
      source,
      limiter,
      policy: { timeoutMs, maxRetries, baseDelayMs: retryBaseMs, maxWaitMs: retryMaxWaitMs },
      metrics: this.metrics,
      logger,
      signal,
      masker: this.masker,
    });
  }

  /** The configured limit and current usage of every source (served by /observability/metrics/json). */
  describeLimits(): Array<{ source: string; requests_per_minute: number; bucket_size: number; available_tokens: number; requests_last_minute: number }> {
    return [...this.limiters.values()].map((l) => l.describe()).sort((a, b) => a.source.localeCompare(b.source));
  }
}
