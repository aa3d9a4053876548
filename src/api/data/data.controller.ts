import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/envelope.js';
import { DataService } from './data.service.js';
import { GetDataQueryDto } from './dto/get-data-query.dto.js';
import { MarketQuotePageDto, type MarketQuoteDto } from './dto/market-quote.dto.js';
import { ApiErrorDto } from '../../common/http/api-error.dto.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';

@ApiTags('data')
@ApiStandardErrors()
@Controller('data')
export class DataController {
  constructor(private readonly data: DataService) {}

  @Get()
  @ApiOperation({
    summary: 'Unified market quotes across sources',
    description:
      'Every source observation, each naming its canonical asset. Keyset pagination: pass pagination.next_cursor as `cursor` (stable under concurrent inserts, constant time at any depth).',
  })
  @ApiOkResponse({ type: MarketQuotePageDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid parameters: the body lists each bad field' })
  list(@Query() query: GetDataQueryDto): Promise<Page<MarketQuoteDto>> {
    return this.data.listQuotes(query);
  }
}
