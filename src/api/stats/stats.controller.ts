import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Single } from '../../common/http/envelope.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';
import { StatsResponseDto, type StatsDto } from './dto/stats.dto.js';
import { StatsService } from './stats.service.js';

@ApiTags('stats')
@ApiStandardErrors({ noInput: true })
@Controller('stats')
export class StatsController {
  constructor(private readonly service: StatsService) {}

  @Get()
  @ApiOperation({
    summary: 'Per-source ETL statistics (records, last run, last success/failure, cursor) and totals',
    description:
      'One entry per enabled source, read from the run ledger and the per-source row counters (kept in ' +
      'the transaction of every batch, so the counts are exact and the cost does not grow with the tables).',
  })
  @ApiOkResponse({ type: StatsResponseDto })
  async stats(): Promise<Single<StatsDto>> {
    return { data: await this.service.stats() };
  }
}
