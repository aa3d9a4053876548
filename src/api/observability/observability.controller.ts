import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { register } from 'prom-client';
import type { Single } from '../../common/http/envelope.js';
import { RateLimitRegistry } from '../../etl/http-client/rate-limit.registry.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { ObservabilitySnapshotResponseDto } from './observability-json.dto.js';
import { NotThrottled } from '../../common/http/api-standard-errors.decorator.js';

/**
 * The seed system's observability paths, kept so existing dashboards and scripts do not break:
 * thin aliases over /metrics and the metrics service.
 */
@ApiTags('observability')
@NotThrottled()
@Controller('observability')
export class ObservabilityController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly rateLimits: RateLimitRegistry,
  ) {}

  @Get('metrics')
  @Header('content-type', register.contentType)
  @ApiOperation({
    summary: "Prometheus metrics (alias of /metrics, kept for the seed system's clients)",
    description: 'The same exposition as GET /metrics; not throttled, so scrapes never see 429.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', example: 'etl_runs_total{source="csv",status="succeeded"} 3' } })
  prometheus(): Promise<string> {
    return register.metrics();
  }

  @Get('metrics/json')
  @ApiOperation({
    summary: 'ETL counters and, per source, the rate-limit configuration and current usage (JSON)',
    description: 'A JSON view of the ETL metrics for scripts without a Prometheus client; not throttled.',
  })
  @ApiOkResponse({ type: ObservabilitySnapshotResponseDto, description: 'ETL counters and rate-limit usage' })
  async json(): Promise<
    Single<{
      counters: Awaited<ReturnType<MetricsService['snapshot']>>;
      rate_limits: ReturnType<RateLimitRegistry['describeLimits']>;
    }>
  > {
    return { data: { counters: await this.metrics.snapshot(), rate_limits: this.rateLimits.describeLimits() } };
  }
}
