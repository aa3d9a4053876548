import { boundedTotal, exactTotal, type ListTotal } from '../common/sql/list-total.js';
import { SourceCountersRepository } from '../counters/source-counters.repository.js';
import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { PaginationDto, type Page } from '../common/http/envelope.js';
import { timeCursor, toTimePage } from '../common/http/keyset-page.js';
import { CursorParam, DateTimeParam, LimitParam, parseLimit, SourceParam } from '../common/http/query-params.js';
import { InvalidInputException } from '../common/http/validation.js';
import { WhereBuilder } from '../common/sql/where-builder.js';
import { ApiStandardErrors } from '../common/http/api-standard-errors.decorator.js';

export class NewsQueryDto {
  @ApiPropertyOptional({ example: '3b241101-e2bb-5255-8caf-4136c566a962', description: 'Only news mentioning this asset' })
  @IsOptional()
  @IsUUID('all', { message: 'asset_id must be a UUID' })
  asset_id?: string;

  @ApiPropertyOptional({
    example: 'BTC', description: 'Only news mentioning an asset with this ticker (case-insensitive; every asset sharing it)',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9.$_-]{1,20}$/, { message: 'symbol must be a ticker such as BTC' })
  symbol?: string;

  @SourceParam()
  source?: string;

  @DateTimeParam('Published at or after (inclusive)', '2025-09-01T00:00:00Z')
  from?: string;

  @DateTimeParam('Published before (exclusive)', '2025-09-11T00:00:00Z')
  to?: string;

  @ApiPropertyOptional({ example: 'ETF', description: 'Case-insensitive text search in title and summary' })
  @IsOptional()
  @MinLength(1, { message: 'q must not be empty' })
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q?: string;

  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;
}

export class LinkedAssetDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) id: string;
  @ApiProperty({ example: 'BTC' }) symbol: string;
  @ApiProperty({ example: 'Bitcoin' }) name: string;
  @ApiProperty({ example: 0.95 }) confidence: number;
  @ApiProperty({ example: 'Bitcoin' }) matched: string;
}

export class NewsItemDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ example: 'rss' }) source: string;
  @ApiProperty({ example: 'https://cointelegraph.com/rss' }) feed_url: string;
  @ApiProperty({ example: 'Bitcoin ETF inflows hit three-week high as BTC reclaims $96K' }) title: string;
  @ApiProperty({ example: 'https://cointelegraph.com/news/bitcoin-etf-inflows-three-week-high-btc-96k?utm_source=rss_feed' }) link: string;
  @ApiProperty({ type: String, nullable: true, example: 'US spot Bitcoin ETFs recorded their strongest three-week inflow streak.' }) summary: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Cointelegraph by Jane Doe' }) author: string | null;
  @ApiProperty({ example: ['Bitcoin', 'ETF'] }) categories: string[];
  @ApiProperty({ example: '2025-09-10T15:38:00.000Z' }) published_at: string;
  @ApiProperty({ type: [LinkedAssetDto] }) assets: LinkedAssetDto[];
}

class NewsPageDto {
  @ApiProperty({ type: [NewsItemDto] }) data: NewsItemDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

interface Row { id: string; cursor_at: string; source: string; feed_url: string; title: string; link: string; summary: string | null; author: string | null; categories: string[]; published_at: Date; assets: LinkedAssetDto[] }

@Injectable()
export class NewsReadRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: SourceCountersRepository,
  ) {}

  async page(q: NewsQueryDto, limit: number, after?: [string, string]): Promise<{ rows: Row[]; total: ListTotal }> {
    const pattern = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    const where = new WhereBuilder()
      .addIf(q.source, 'n.source = ?')
      .addIf(q.asset_id, 'EXISTS (SELECT 1 FROM news_asset_mentions m WHERE m.news_id = n.id AND m.asset_id = ?::uuid)')
      .addIf(q.symbol, `EXISTS (SELECT 1 FROM news_asset_mentions m JOIN assets a ON a.id = m.asset_id
                               WHERE m.news_id = n.id AND a.symbol = upper(?))`)
      .addIf(q.from ? new Date(q.from) : undefined, 'n.published_at >= ?')
      .addIf(q.to ? new Date(q.to) : undefined, 'n.published_at < ?');
    if (pattern) where.add('(n.title ILIKE ? OR n.summary ILIKE ?)', pattern, pattern);
    const countWhere = where.clone();
    if (after) where.add('(n.published_at, n.id) < (?::timestamptz, ?::bigint)', after[0], after[1]);
    const rows = (await this.dataSource.query(
      `SELECT n.id::text, to_char(n.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, n.source, n.feed_url, n.title, n.link, n.summary, n.author, n.categories, n.published_at,
              coalesce((SELECT json_agg(json_build_object('id', a.id, 'symbol', a.symbol, 'name', a.name, 'confidence', m.confidence::float8, 'matched', m.matched) ORDER BY m.confidence DESC, a.symbol)
                          FROM news_asset_mentions m JOIN assets a ON a.id = m.asset_id WHERE m.news_id = n.id), '[]') AS assets
         FROM news_items n ${where.toSql()} ORDER BY n.published_at DESC, n.id DESC LIMIT ${where.param(limit + 1)}`,
      where.params,
    )) as Row[];
    // Per source only (or unfiltered): the counters kept with every batch; otherwise a bounded count.
    const perSourceOnly = !q.asset_id && !q.symbol && !q.from && !q.to && !pattern;
    const total = perSourceOnly
      ? exactTotal(await this.counters.total('news_items', q.source))
      : await boundedTotal(this.dataSource, 'news_items n', countWhere);
    return { rows, total };
  }
}

@ApiTags('news')
@ApiStandardErrors()
@Controller('news')
export class NewsController {
  constructor(private readonly repository: NewsReadRepository) {}

  @Get()
  @ApiOperation({
    summary: 'News items with the assets they mention, newest first',
    description: 'Filter by asset (`asset_id`, or `symbol` for every asset with that ticker), source or text; keyset pagination (pass pagination.next_cursor as `cursor`).',
  })
  @ApiOkResponse({ type: NewsPageDto })
  async list(@Query() query: NewsQueryDto): Promise<Page<NewsItemDto>> {
    if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
      throw new InvalidInputException([{ field: 'from', message: 'from must not be after to' }, { field: 'to', message: 'to must not be before from' }]);
    }
    const limit = parseLimit(query.limit);
    const { rows, total } = await this.repository.page(query, limit, timeCursor(query.cursor, 'news'));
    return toTimePage(rows, limit, 'news', (r) => r.cursor_at, ({ cursor_at: _c, ...r }) => ({ ...r, published_at: new Date(r.published_at).toISOString() }), total);
  }
}
