import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, Single } from '../../common/http/envelope.js';
import {
  CompareRunsQueryDto,
  ListRunsQueryDto,
  RunComparisonResponseDto,
  RunDetailResponseDto,
  RunIdParamDto,
  RunPageDto,
  type RunComparisonDto,
  type RunDetailDto,
  type RunDto,
} from './dto/runs.dto.js';
import { RunsService } from './runs.service.js';
import { ApiErrorDto } from '../../common/http/api-error.dto.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';

@ApiTags('runs')
@ApiStandardErrors()
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOperation({
    summary: 'ETL runs, newest first',
    description: 'Filter by status or trigger; keyset pagination (pass pagination.next_cursor as `cursor`).',
  })
  @ApiOkResponse({ type: RunPageDto })
  list(@Query() query: ListRunsQueryDto): Promise<Page<RunDto>> {
    return this.runs.list(query);
  }

  @Get('compare')
  @ApiOperation({
    summary: 'Compare two runs: count, duration and status differences per source, and the anomalies of the target run',
    description: 'Deltas are target minus base, per source present in either run.',
  })
  @ApiOkResponse({ type: RunComparisonResponseDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'base or target is not a run id' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'base or target run does not exist' })
  async compare(@Query() query: CompareRunsQueryDto): Promise<Single<RunComparisonDto>> {
    return { data: await this.runs.compare(query) };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One run: per-source detail, errors, drift events and anomalies',
    description: 'Counts, waits (rate limit, backoff, Retry-After), cursors and the error of each source run.',
  })
  @ApiOkResponse({ type: RunDetailResponseDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'id is not a run id' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such run' })
  async get(@Param() params: RunIdParamDto): Promise<Single<RunDetailDto>> {
    return { data: await this.runs.detail(params.id) };
  }
}
