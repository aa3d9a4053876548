import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/http/envelope.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';
import { NewsPageDto, type NewsItemDto } from './dto/news-item.dto.js';
import { NewsQueryDto } from './dto/news-query.dto.js';
import { NewsService } from './news.service.js';

@ApiTags('news')
@ApiStandardErrors()
@Controller('news')
export class NewsController {
  constructor(private readonly news: NewsService) {}

  @Get()
  @ApiOperation({
    summary: 'News items with the assets they mention, newest first',
    description:
      'Filter by asset (`asset_id`, or `symbol` for every asset with that ticker), source or text; keyset pagination (pass pagination.next_cursor as `cursor`).',
  })
  @ApiOkResponse({ type: NewsPageDto })
  list(@Query() query: NewsQueryDto): Promise<Page<NewsItemDto>> {
    return this.news.list(query);
  }
}
