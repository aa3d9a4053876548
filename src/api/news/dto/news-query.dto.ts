import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { KeysetPageQueryDto } from '../../../common/http/page-query.dto.js';
import { DateTimeParam, SourceParam } from '../../../common/http/query-params.js';

class NewsFilterDto {
  @ApiPropertyOptional({
    example: '3b241101-e2bb-5255-8caf-4136c566a962',
    description: 'Only news mentioning this asset',
  })
  @IsOptional()
  @IsUUID('all', { message: 'asset_id must be a UUID' })
  asset_id?: string;

  @ApiPropertyOptional({
    example: 'BTC',
    description: 'Only news mentioning an asset with this ticker (case-insensitive; every asset sharing it)',
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
}

export class NewsQueryDto extends IntersectionType(NewsFilterDto, KeysetPageQueryDto) {}
