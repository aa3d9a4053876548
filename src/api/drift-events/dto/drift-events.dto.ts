import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PaginationDto } from '../../../common/http/envelope.js';
import { LastSeenPageQueryDto, SourceQueryDto } from '../../../common/http/page-query.dto.js';

export const DRIFT_KINDS = ['added', 'missing', 'type_changed', 'renamed'] as const;
export const RENAME_STATUSES = ['applied', 'proposed', 'rejected'] as const;

class DriftEventsFilterDto {
  @ApiPropertyOptional({ enum: DRIFT_KINDS, example: 'renamed' })
  @IsOptional()
  @IsIn(DRIFT_KINDS, { message: `kind must be one of ${DRIFT_KINDS.join(', ')}` })
  kind?: (typeof DRIFT_KINDS)[number];

  @ApiPropertyOptional({ enum: RENAME_STATUSES, example: 'proposed', description: 'Renames with this status' })
  @IsOptional()
  @IsIn(RENAME_STATUSES, { message: `status must be one of ${RENAME_STATUSES.join(', ')}` })
  status?: (typeof RENAME_STATUSES)[number];
}

export class DriftEventsQueryDto extends IntersectionType(SourceQueryDto, DriftEventsFilterDto, LastSeenPageQueryDto) {}

export class DriftEventIdParamDto {
  @ApiProperty({ example: '12', description: 'Drift event id' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'id must be a positive integer drift event id' })
  id: string;
}

const EVIDENCE_EXAMPLE = {
  status: 'rejected',
  reason: 'qualifiers differ (currency): [] vs [currency:btc]',
  similarity: 0.8,
  threshold: 0.8,
  threshold_kind: 'required',
  same_name: false,
  qualifiers: { match: false, differing: ['currency'], field: [], candidate: ['currency:btc'] },
  type: { expected: 'number', observed: ['number'], match: true },
  values: {
    checked: true,
    plausible: false,
    compared: 250,
    median_ratio: 0.01,
    min_ratio: 0.01,
    max_ratio: 0.01,
    factor: 10,
    samples: [{ asset: 'bitcoin', previous: 96000, candidate: 960, ratio: 0.01 }],
  },
  policy: 'evolve',
};

export class DriftEventDto {
  @ApiProperty({ example: '12' }) id: string;
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: 'markets' }) stream: string;
  @ApiProperty({ enum: DRIFT_KINDS, example: 'renamed' }) kind: string;
  @ApiProperty({ example: 'current_price' }) field: string;
  @ApiProperty({ example: 'price_current', description: "Renames: the field that may replace `field`; else ''" })
  candidate: string;
  @ApiProperty({ type: Number, nullable: true, example: 1, description: 'For renames: the name similarity' })
  confidence: number | null;
  @ApiProperty({ enum: ['info', 'warning', 'critical'], example: 'warning' }) severity: string;
  @ApiProperty({ enum: ['applied', 'quarantined', 'logged'], example: 'applied', description: 'Effect on the rows' })
  action: string;
  @ApiProperty({
    enum: RENAME_STATUSES,
    nullable: true,
    example: 'applied',
    description: 'Renames only: applied, proposed (for review, not applied), rejected (by the rename rule or an admin)',
  })
  status: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: EVIDENCE_EXAMPLE,
    description: 'Renames only: every check of the rename rule (docs/ETL.md "The rename rule")',
  })
  evidence: Record<string, unknown> | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'When an admin rejected this rename (never applied again); null otherwise',
  })
  rejected_at: string | null;
  @ApiProperty({ example: 3 }) occurrences: number;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) first_seen_at: string;
  @ApiProperty({ example: '2025-05-02T06:00:00.000Z' }) last_seen_at: string;
  @ApiProperty({ type: String, nullable: true, example: '42' }) run_id: string | null;
}

export class DriftEventPageDto {
  @ApiProperty({ type: [DriftEventDto] }) data: DriftEventDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class DriftEventResponseDto {
  @ApiProperty({ type: DriftEventDto }) data: DriftEventDto;
}
