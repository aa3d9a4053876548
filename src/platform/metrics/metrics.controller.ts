import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { NotThrottled } from '../../common/http/api-standard-errors.decorator.js';

/** Prometheus scrape endpoint; exempt from API throttling so scrapes never fail. */
@ApiTags('observability')
@NotThrottled()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description: 'Scraped by Prometheus; not throttled.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format',
    schema: { type: 'string', example: 'etl_runs_total{source="csv",status="succeeded"} 3' },
  })
  override async index(@Res({ passthrough: true }) response: unknown): Promise<string> {
    return super.index(response);
  }
}
