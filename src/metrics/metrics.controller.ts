import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';

/** Prometheus scrape endpoint; exempt from API throttling so scrapes never fail. */
@ApiTags('observability')
@SkipThrottle()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string', example: 'etl_runs_total{source="csv",status="succeeded"} 3' } })
  override async index(@Res({ passthrough: true }) response: unknown): Promise<string> {
    return super.index(response);
  }
}
