import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ResponseMetadataDto } from '../../../common/http/envelope.js';
import { DateTimeParam, SourceParam } from '../../../common/http/query-params.js';
import { HISTORY_INTERVALS, type HistoryInterval } from './history-range.js';

export class PriceHistoryQueryDto {
  @ApiPropertyOptional({
    enum: HISTORY_INTERVALS,
    default: '1d',
    example: '1d',
    description:
      'Bucket width, UTC-aligned. 1h and 1d come from the rollups the ETL keeps; 5m is aggregated from the raw quotes',
  })
  @IsOptional()
  @IsIn(HISTORY_INTERVALS, { message: `interval must be one of ${HISTORY_INTERVALS.join(', ')}` })
  interval?: HistoryInterval;

  @DateTimeParam(
    'Buckets starting at or after (inclusive). Default: `to` minus 1 day (5m), 7 days (1h) or 365 days (1d). ' +
      'At most 7 days (5m), 400 days (1h) or 20 years (1d) before `to`',
    '2024-05-01T00:00:00Z',
  )
  from?: string;

  @DateTimeParam(
    'Buckets starting before (exclusive). Default: the end of the current bucket (it is included)',
    '2025-05-01T00:00:00Z',
  )
  to?: string;

  @SourceParam()
  source?: string;
}

export class HistoryAssetDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) id: string;
  @ApiProperty({ example: 'BTC' }) symbol: string;
  @ApiProperty({ example: 'Bitcoin' }) name: string;
}

export class HistoryBucketDto {
  @ApiProperty({
    example: '2025-04-30T00:00:00.000Z',
    description: 'Bucket start (UTC); the bucket is [start, start + interval)',
  })
  start: string;

  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: '94194.5', description: "Price of the bucket's earliest observation (exact decimal)" })
  open: string;
  @ApiProperty({ example: '95301', description: 'Highest observed price (exact decimal)' }) high: string;
  @ApiProperty({ example: '93820.12', description: 'Lowest observed price (exact decimal)' }) low: string;
  @ApiProperty({ example: '94207.77', description: "Price of the bucket's latest observation (exact decimal)" })
  close: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '30334935517',
    description:
      "The source's rolling 24 h volume in USD as reported with the close observation (not the volume traded " +
      'within the bucket: summing buckets double-counts); null when the source reports none',
  })
  volume: string | null;

  @ApiProperty({ example: 288, description: "Number of the source's quotes in the bucket" }) observations: number;
}

export class ConsensusCloseDto {
  @ApiProperty({ example: '2025-04-30T00:00:00.000Z' }) start: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '94201.135',
    description:
      'Exact median of the closes of the sources fresh for the bucket (close observed within ' +
      'ETL_FRESHNESS_BUDGET_SECONDS of the bucket end, or of now for the current bucket); null when none is',
  })
  close: string | null;
}

export class PriceHistoryDto {
  @ApiProperty({ type: HistoryAssetDto }) asset: HistoryAssetDto;
  @ApiProperty({ enum: HISTORY_INTERVALS, example: '1d' }) interval: HistoryInterval;

  @ApiProperty({
    type: [HistoryBucketDto],
    description: 'One per bucket and source with observations, by start then source',
  })
  buckets: HistoryBucketDto[];

  @ApiProperty({ type: [ConsensusCloseDto], description: 'One per listed bucket start, by start' })
  consensus: ConsensusCloseDto[];
}

export class HistoryGapDto {
  @ApiProperty({ example: '2025-02-03T00:00:00.000Z', description: 'First missing bucket start (inclusive)' })
  from: string;
  @ApiProperty({ example: '2025-02-05T00:00:00.000Z', description: 'End of the last missing bucket (exclusive)' })
  to: string;
}

export class PriceHistoryMetadataDto extends ResponseMetadataDto {
  @ApiProperty({
    type: [HistoryGapDto],
    description:
      'Bucket ranges of [from, to) with no observation (of the given source, or of any), merged; absent from buckets',
  })
  gaps: HistoryGapDto[];
}

export class PriceHistoryResponseDto {
  @ApiProperty({ type: PriceHistoryDto }) data: PriceHistoryDto;
  @ApiProperty({ type: PriceHistoryMetadataDto }) metadata: PriceHistoryMetadataDto;
}

/** What the controller returns; the EnvelopeInterceptor completes `metadata`. */
export interface PriceHistoryBody {
  data: PriceHistoryDto;
  metadata: { gaps: HistoryGapDto[] };
}
