import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AdminOnly } from '../common/http/admin-key.guard.js';
import { PaginationDto, type Page } from '../common/http/envelope.js';
import { timeCursor, toTimePage } from '../common/http/keyset-page.js';
import { CursorParam, DateTimeParam, LimitParam, parseLimit, SourceParam } from '../common/http/query-params.js';
import { newestFirstPage } from '../common/sql/newest-first-page.js';
import { WhereBuilder } from '../common/sql/where-builder.js';
import { ApiStandardErrors } from '../common/http/api-standard-errors.decorator.js';

export class QuarantineQueryDto {
  @SourceParam()
  source?: string;

  @DateTimeParam('Last seen at or after', '2025-05-01T00:00:00Z')
  since?: string;

  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;
}

export class QuarantinedRecordDto {
  @ApiProperty({ example: '7' }) id: string;
  @ApiProperty({ example: 'csv' }) source: string;
  @ApiProperty({ example: 'quotes' }) stream: string;
  @ApiProperty({ type: String, nullable: true, example: 'exchange-export-quirky.csv#8' }) natural_key: string | null;
  @ApiProperty({ example: 'price_usd: not a number: "not-a-price"' }) reason: string;
  @ApiProperty({ example: { symbol: 'BNB', price_usd: 'not-a-price' }, description: 'The raw payload as received' }) payload: unknown;
  @ApiProperty({ example: 1 }) occurrences: number;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) first_seen_at: string;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) last_seen_at: string;
  @ApiProperty({ type: String, nullable: true, example: '3' }) run_id: string | null;
}

class QuarantinePageDto {
  @ApiProperty({ type: [QuarantinedRecordDto] }) data: QuarantinedRecordDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

interface Row { id: string; cursor_at: string; source: string; stream: string; natural_key: string | null; reason: string; payload: unknown; occurrences: number; first_seen_at: Date; last_seen_at: Date; run_id: string | null }

@Injectable()
export class QuarantineReadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  page(q: QuarantineQueryDto, limit: number, after?: [string, string]): Promise<{ rows: Row[]; total: number }> {
    const where = new WhereBuilder().addIf(q.source, 'source = ?').addIf(q.since ? new Date(q.since) : undefined, 'last_seen_at >= ?');
    return newestFirstPage<Row>(this.dataSource, 'quarantined_records', 'source, stream, natural_key, reason, payload, occurrences, first_seen_at, last_seen_at, run_id::text', where, limit, after);
  }
}

@ApiTags('quarantine')
@ApiStandardErrors()
@Controller('quarantine')
export class QuarantineController {
  constructor(private readonly repository: QuarantineReadRepository) {}

  @Get()
  @AdminOnly()
  @ApiOperation({
    summary: 'Rows that failed validation or mapping, with the raw payload and the reason (admin)',
    description: 'Admin only: payloads are shown as received. Filter by source or run; keyset pagination.',
  })
  @ApiOkResponse({ type: QuarantinePageDto })
  async list(@Query() query: QuarantineQueryDto): Promise<Page<QuarantinedRecordDto>> {
    const limit = parseLimit(query.limit);
    const { rows, total } = await this.repository.page(query, limit, timeCursor(query.cursor, 'quarantine'));
    return toTimePage(rows, limit, 'quarantine', (r) => r.cursor_at, ({ cursor_at: _c, ...r }) => ({ ...r, first_seen_at: r.first_seen_at.toISOString(), last_seen_at: r.last_seen_at.toISOString() }), total);
  }
}
