import { Body, Controller, Get, HttpCode, Post, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiDataResponse } from '../../common/http/api-data-response.decorator.js';
import { AdminOnly } from '../../platform/http/admin-key.guard.js';
import type { Page, Single } from '../../common/http/envelope.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { QuarantineQueryDto } from './dto/quarantine-query.dto.js';
import { QuarantinePageDto, type QuarantinedRecordDto } from './dto/quarantined-record.dto.js';
import { ReplayQuarantineDto, ReplayStartedDto } from './dto/replay-quarantine.dto.js';
import { QuarantineService } from './quarantine.service.js';

@ApiTags('quarantine')
@ApiStandardErrors()
@Controller('quarantine')
export class QuarantineController {
  constructor(
    private readonly quarantine: QuarantineService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @AdminOnly()
  @ApiOperation({
    operationId: 'listQuarantine',
    summary:
      'Rows that failed validation or mapping, with the raw payload and the reason (admin); open ones by default',
    description: 'Admin only: payloads are shown as received. Filter by source, time or status; keyset pagination.',
  })
  @ApiOkResponse({ type: QuarantinePageDto })
  list(@Query() query: QuarantineQueryDto): Promise<Page<QuarantinedRecordDto>> {
    return this.quarantine.list(query);
  }

  @Post('replay')
  @HttpCode(202)
  @AdminOnly()
  @ApiOperation({
    operationId: 'replayQuarantine',
    summary: "Replay open quarantine entries through today's rules and mappers (admin)",
    description:
      'Rows that now pass are loaded and marked resolved (kept, with the run that resolved them); rows ' +
      'that still fail stay open with their new reason. Runs as its own run under the source lock.',
  })
  @ApiDataResponse(ReplayStartedDto, { status: 202 })
  @ApiStandardErrors({
    badRequest: 'Invalid body, or no installed source has that id (field `source`)',
    notFound: 'Some `ids` are not open quarantine entries of that source',
    conflict: 'The source is running now (in this or another process)',
  })
  async replay(@Body() body: ReplayQuarantineDto): Promise<Single<ReplayStartedDto>> {
    if (this.config.appRole === 'api') {
      throw new ServiceUnavailableException(
        'This replica serves the API only (APP_ROLE=api) and never runs the ETL; replay from a worker or an APP_ROLE=all instance',
      );
    }
    return { data: await this.quarantine.replay(body) };
  }
}
