import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { CursorParam, DateTimeParam, LimitParam, SourceParam } from '../../../common/http/query-params.js';

export const DATA_SORTS = ['observed_at:desc', 'observed_at:asc', 'price:desc', 'price:asc'] as const;
export type DataSort = (typeof DATA_SORTS)[number];

const DECIMAL = /^\d{1,30}(\.\d{1,18})?$/;

export class GetDataQueryDto {
  @SourceParam()
  source?: string;

  @ApiPropertyOptional({ example: 'BTC', description: 'Asset symbol (case-insensitive)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9.$_-]{1,20}$/, { message: 'symbol must be a ticker such as BTC' })
  symbol?: string;

  @ApiPropertyOptional({ example: '3b241101-e2bb-5255-8caf-4136c566a962', description: 'Canonical asset id' })
  @IsOptional()
  @IsUUID('all', { message: 'asset_id must be a UUID' })
  asset_id?: string;

  @DateTimeParam('Observed at or after (inclusive)', '2025-05-01T00:00:00Z')
  from?: string;

  @DateTimeParam('Observed before (exclusive)', '2025-05-03T00:00:00Z')
  to?: string;

  @ApiPropertyOptional({ example: '1000', description: 'Minimum price in USD (inclusive)' })
  @IsOptional()
  @Matches(DECIMAL, { message: 'min_price must be a non-negative decimal such as 1000 or 0.5' })
  min_price?: string;

  @ApiPropertyOptional({ example: '100000', description: 'Maximum price in USD (inclusive)' })
  @IsOptional()
  @Matches(DECIMAL, { message: 'max_price must be a non-negative decimal such as 1000 or 0.5' })
  max_price?: string;

  @ApiPropertyOptional({ enum: DATA_SORTS, default: 'observed_at:desc', example: 'observed_at:desc' })
  @IsOptional()
  @IsIn(DATA_SORTS, { message: `sort must be one of ${DATA_SORTS.join(', ')}` })
  sort?: DataSort;

  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100000,
    example: 0,
    description: 'Rows to skip (compatibility; prefer cursor). Not combinable with cursor.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer between 0 and 100000' })
  @Min(0, { message: 'offset must be an integer between 0 and 100000' })
  @Max(100000, { message: 'offset must be an integer between 0 and 100000' })
  offset?: number;
}
