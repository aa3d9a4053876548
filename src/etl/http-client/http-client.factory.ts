import { Injectable, type LoggerService } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { RateLimitRegistry } from './rate-limit.registry.js';
import { RetryingHttpClient } from './source-http-client.js';

/** Hands each source run its retrying, rate-limited HTTP client. */
@Injectable()
export class HttpClientFactory {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly masker: SecretMasker,
    private readonly rateLimits: RateLimitRegistry,
  ) {}

  clientFor(source: string, logger: LoggerService, signal?: AbortSignal): RetryingHttpClient {
    const limiter = this.rateLimits.limiterFor(source);
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
}
