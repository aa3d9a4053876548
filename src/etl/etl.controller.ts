import { Body, Controller, Get, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiDataResponse } from '../common/http/api-data-response.decorator.js';
import { AdminOnly } from '../platform/http/admin-key.guard.js';
import type { Single } from '../common/http/envelope.js';
import { AppConfig } from '../platform/config/app-config.js';
import { SourceInfoDto, TriggeredRunDto, TriggerRunDto } from './dto/trigger-run.dto.js';
import { EtlRunner } from './etl-runner.service.js';
import { SourceRegistry } from './registry/source-registry.service.js';
import { ApiErrorDto } from '../common/http/api-error.dto.js';
import { ApiStandardErrors } from '../common/http/api-standard-errors.decorator.js';

@ApiTags('etl')
@ApiStandardErrors()
@Controller('etl')
export class EtlController {
  constructor(
    private readonly runner: EtlRunner,
    private readonly registry: SourceRegistry,
    private readonly config: AppConfig,
  ) {}

  @Post('runs')
  @HttpCode(202)
  @AdminOnly()
  @ApiOperation({
    summary: 'Trigger an ETL run now (all enabled sources, or the listed ones). Returns at once with the run id.',
    description:
      'The run continues in the background; follow it with GET /runs/{id}. A source already running is a 409.',
  })
  @ApiDataResponse(TriggeredRunDto, { status: 202 })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Some of those sources are running already' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Unknown or disabled source id (field `sources`)' })
  async trigger(@Body() body: TriggerRunDto = {}): Promise<Single<TriggeredRunDto>> {
    if (this.config.appRole === 'api') {
      throw new ServiceUnavailableException(
        'This replica serves the API only (APP_ROLE=api) and never runs the ETL; trigger a worker or an APP_ROLE=all instance',
      );
    }
    // A busy (409) or unknown (400) source is a refusal the exception filter answers.
    const handle = await this.runner.start({ trigger: 'manual', sources: body?.sources });
    return {
      data: { run_id: handle.runId, sources: handle.sources, status: 'running', location: `/runs/${handle.runId}` },
    };
  }

  @Get('sources')
  @ApiOperation({
    summary: 'Installed source plugins: enabled or not, streams, rate limit, running now',
    description:
      'Every plugin discovered at boot (built in under src/sources/, or an ETL_PLUGINS package with its version), whether ETL_SOURCES enables it, and its live state.',
  })
  @ApiDataResponse(SourceInfoDto, { isArray: true })
  sources(): { data: SourceInfoDto[] } {
    const enabled = new Set(this.registry.enabledIds());
    return {
      data: this.registry.ids().map((id) => ({
        id,
        enabled: enabled.has(id),
        streams: this.registry.get(id)!.streams.map((s) => s.name),
        rate_limit_per_min: this.registry.rateLimitOf(id),
        running: this.runner.isRunning(id),
        ...this.registry.originOf(id),
      })),
    };
  }
}
