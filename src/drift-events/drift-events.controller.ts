import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsIn, IsOptional } from 'class-validator';
import type { DataSource } from 'typeorm';
import { PaginationDto, type Page } from '../common/http/envelope.js';
import { timeCursor, toTimePage } from '../common/http/keyset-page.js';
import { CursorParam, DateTimeParam, LimitParam, parseLimit, SourceParam } from '../common/http/query-params.js';
import { newestFirstPage } from '../common/sql/newest-first-page.js';
import { WhereBuilder } from '../common/sql/where-builder.js';
import { ApiStandardErrors } from '../common/http/api-standard-errors.decorator.js';

const KINDS = ['added', 'missing', 'type_changed', 'renamed'] as const;

export class DriftEventsQueryDto {
  @SourceParam()
  source?: string;

  @ApiPropertyOptional({ enum: KINDS, example: 'renamed' })
  @IsOptional()
  @IsIn(KINDS, { message: `kind must be one of ${KINDS.join(', ')}` })
  kind?: (typeof KINDS)[number];

  @DateTimeParam('Last seen at or after', '2025-05-01T00:00:00Z')
  since?: string;

  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;
}

export class DriftEventDto {
  @ApiProperty({ example: '12' }) id: string;
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: 'markets' }) stream: string;
  @ApiProperty({ enum: KINDS, example: 'renamed' }) kind: string;
  @ApiProperty({ example: 'current_price' }) field: string;
  @ApiProperty({ example: 'price_current', description: "For renames: the observed field believed to replace `field`; '' otherwise" }) candidate: string;
  @ApiProperty({ type: Number, nullable: true, example: 1 }) confidence: number | null;
  @ApiProperty({ enum: ['info', 'warning', 'critical'], example: 'warning' }) severity: string;
  @ApiProperty({ enum: ['applied', 'quarantined', 'logged'], example: 'applied' }) action: string;
  @ApiProperty({ example: 3 }) occurrences: number;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) first_seen_at: string;
  @ApiProperty({ example: '2025-05-02T06:00:00.000Z' }) last_seen_at: string;
  @ApiProperty({ type: String, nullable: true, example: '42' }) run_id: string | null;
}

class DriftEventPageDto {
  @ApiProperty({ type: [DriftEventDto] }) data: DriftEventDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

interface Row { id: string; cursor_at: string; source: string; stream: string; kind: string; field: string; candidate: string; confidence: string | null; severity: string; action: string; occurrences: number; first_seen_at: Date; last_seen_at: Date; run_id: string | null }

@Injectable()
export class DriftEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  page(q: DriftEventsQueryDto, limit: number, after?: [string, string]): Promise<{ rows: Row[]; total: number }> {
    const where = new WhereBuilder().addIf(q.source, 'source = ?').addIf(q.kind, 'kind = ?').addIf(q.since ? new Date(q.since) : undefined, 'last_seen_at >= ?');
    return newestFirstPage<Row>(this.dataSource, 'drift_events', 'source, stream, kind, field, candidate, confidence::float8::text AS confidence, severity, action, occurrences, first_seen_at, last_seen_at, run_id::text', where, limit, after);
  }
}

@ApiTags('drift')
@ApiStandardErrors()
@Controller('drift-events')
export class DriftEventsController {
  constructor(private readonly repository: DriftEventsRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Schema drift detected in upstream payloads (newest first)',
    description: 'Added, removed, renamed and retyped fields per source, with what the drift policy did about them.',
  })
  @ApiOkResponse({ type: DriftEventPageDto })
  async list(@Query() query: DriftEventsQueryDto): Promise<Page<DriftEventDto>> {
    const limit = parseLimit(query.limit);
    const { rows, total } = await this.repository.page(query, limit, timeCursor(query.cursor, 'drift'));
    return toTimePage(rows, limit, 'drift', (r) => r.cursor_at, ({ cursor_at: _c, ...r }) => ({
      ...r, confidence: r.confidence === null ? null : Number(r.confidence),
      first_seen_at: r.first_seen_at.toISOString(), last_seen_at: r.last_seen_at.toISOString(),
    }), total);
  }
}
