import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PaginationDto } from '../../../common/http/envelope.js';
import { KeysetPageQueryDto } from '../../../common/http/page-query.dto.js';
import { SourceParam } from '../../../common/http/query-params.js';
import { ANOMALY_RULES } from '../../../platform/metrics/anomaly-rule-names.js';
import { DriftEventDto } from '../../drift-events/dto/drift-events.dto.js';

const STATUSES = [
  'running',
  'succeeded',
  'partial',
  'failed',
  'rate_limited',
  'abandoned',
  'skipped',
  'cancelled',
] as const;
const TRIGGERS = ['schedule', 'startup', 'manual', 'cli', 'replay', 'backfill'] as const;

class RunsFilterDto {
  @ApiPropertyOptional({ enum: STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ enum: TRIGGERS, example: 'schedule' })
  @IsOptional()
  @IsIn(TRIGGERS, { message: `trigger must be one of ${TRIGGERS.join(', ')}` })
  trigger?: string;

  @SourceParam()
  source?: string;
}

export class ListRunsQueryDto extends IntersectionType(RunsFilterDto, KeysetPageQueryDto) {}

export class RunIdParamDto {
  @ApiProperty({ example: '42', description: 'Run id' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'id must be a positive integer run id' })
  id: string;
}

export class CompareRunsQueryDto {
  @ApiProperty({ example: '41', description: 'Base run id' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'base must be a positive integer run id' })
  base: string;

  @ApiProperty({ example: '42', description: 'Target run id' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'target must be a positive integer run id' })
  target: string;
}

/** extracted = inserted + updated + unchanged + duplicate + quarantined, for every source run. */
export class RunCountsDto {
  @ApiProperty({ example: 1000 }) extracted: number;
  @ApiProperty({ example: 10 }) inserted: number;
  @ApiProperty({ example: 5 }) updated: number;
  @ApiProperty({ example: 983 }) unchanged: number;
  @ApiProperty({
    example: 2,
    description:
      'Rows whose key the run had already seen (same natural key, or same asset, source and instant): ' +
      'the later one was kept',
  })
  duplicate: number;
  @ApiProperty({ example: 0 }) quarantined: number;
}

export class RunDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ enum: TRIGGERS, example: 'schedule' }) trigger: string;
  @ApiProperty({ enum: STATUSES, example: 'succeeded' }) status: string;
  @ApiProperty({ example: ['csv', 'coingecko'] }) sources: string[];
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) started_at: string;
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:00:05.000Z' }) finished_at: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 5012 }) duration_ms: number | null;
  @ApiProperty({ type: RunCountsDto }) records: RunCountsDto;
}

export class RunPageDto {
  @ApiProperty({ type: [RunDto] }) data: RunDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class SourceRunDto {
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ enum: STATUSES, example: 'succeeded' }) status: string;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) started_at: string;
  @ApiProperty({ type: String, nullable: true }) finished_at: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 1830 }) duration_ms: number | null;
  @ApiProperty({ type: RunCountsDto }) records: RunCountsDto;
  @ApiProperty({ example: 2 }) retries: number;
  @ApiProperty({ example: 1500, description: "Milliseconds waited for this service's own rate limit (token bucket)." })
  rate_limit_wait_ms: number;
  @ApiProperty({ example: 240, description: 'Milliseconds of exponential-backoff sleeps between failed attempts.' })
  backoff_wait_ms: number;
  @ApiProperty({ example: 2000, description: 'Milliseconds waited because upstreams answered with Retry-After.' })
  retry_after_wait_ms: number;
  @ApiProperty({ example: { markets: { watermark: '2025-05-01T00:00:00.000Z' } }, nullable: true })
  cursor_before: unknown;
  @ApiProperty({ example: { markets: { watermark: '2025-05-02T00:00:00.000Z' } }, nullable: true })
  cursor_after: unknown;
  @ApiProperty({ type: String, nullable: true, example: null }) error_class: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) error_message: string | null;
  @ApiProperty({ type: String, nullable: true, example: '3f9a0c2b7d1e4a55' }) schema_fingerprint: string | null;
}

export class AnomalyDto {
  @ApiProperty({ enum: ANOMALY_RULES, example: 'record_count_outlier' })
  rule: string;
  @ApiProperty({ type: String, nullable: true, example: 'csv' }) source: string | null;
  @ApiProperty({ example: 'csv extracted 10 records (z-score -4.2 over the last 10 runs, mean 1000)' }) message: string;
  @ApiPropertyOptional({ example: { mean: 1000, std: 12, z: -4.2 } }) details?: Record<string, unknown>;
}

/** A drift event of the run, as GET /drift-events lists it but without its id, status and evidence. */
export class RunDriftEventDto extends PickType(DriftEventDto, [
  'source',
  'stream',
  'kind',
  'field',
  'candidate',
  'confidence',
  'severity',
  'action',
] as const) {}

export class RunDetailDto extends RunDto {
  @ApiProperty({ type: [SourceRunDto] }) source_runs: SourceRunDto[];
  @ApiProperty({ type: [RunDriftEventDto] }) drift_events: RunDriftEventDto[];
  @ApiProperty({ type: [AnomalyDto] }) anomalies: AnomalyDto[];
}

export class RunDetailResponseDto {
  @ApiProperty({ type: RunDetailDto }) data: RunDetailDto;
}

export class SourceComparisonDto {
  @ApiProperty({ example: 'csv' }) source: string;
  @ApiProperty({ type: String, nullable: true, example: 'succeeded' }) base_status: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'failed' }) target_status: string | null;
  @ApiProperty({ example: true }) status_changed: boolean;
  @ApiProperty({ type: RunCountsDto, description: 'target minus base' }) records_delta: RunCountsDto;
  @ApiProperty({ type: Number, nullable: true, example: 120 }) duration_delta_ms: number | null;
}

export class RunComparisonDto {
  @ApiProperty({ type: RunDto }) base: RunDto;
  @ApiProperty({ type: RunDto }) target: RunDto;
  @ApiProperty({ type: [SourceComparisonDto] }) sources: SourceComparisonDto[];
  @ApiProperty({ type: [AnomalyDto], description: 'Anomalies flagged on the target run' }) anomalies: AnomalyDto[];
}

export class RunComparisonResponseDto {
  @ApiProperty({ type: RunComparisonDto }) data: RunComparisonDto;
}
