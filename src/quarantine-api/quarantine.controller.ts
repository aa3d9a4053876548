import { Body, Controller, Get, HttpCode, Injectable, Post, Query, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation,
  ApiProperty, ApiPropertyOptional, ApiTags, getSchemaPath,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AdminOnly } from '../common/http/admin-key.guard.js';
import { PaginationDto, type Page, type Single } from '../common/http/envelope.js';
import { timeCursor, toTimePage } from '../common/http/keyset-page.js';
import { CursorParam, DateTimeParam, LimitParam, parseLimit, SourceParam } from '../common/http/query-params.js';
import { newestFirstPage } from '../common/sql/newest-first-page.js';
import { WhereBuilder } from '../common/sql/where-builder.js';
import { AppConfig } from '../config/app-config.js';
import { toHttpError } from '../etl/operations/operation-http-errors.js';
import { QuarantineReplayService } from '../etl/operations/quarantine-replay.service.js';
import { ReplayQuarantineDto, ReplayStartedDto } from './dto/replay-quarantine.dto.js';

const STATUSES = ['open', 'resolved', 'all'] as const;

export class QuarantineQueryDto {
  @SourceParam()
  source?: string;

  @DateTimeParam('Last seen at or after', '2025-05-01T00:00:00Z')
  since?: string;

  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;

  @ApiPropertyOptional({ enum: STATUSES, default: 'open', description: 'Entries still failing (`open`, the default), loaded by a replay (`resolved`), or `all`' })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];
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
  @ApiProperty({ enum: ['open', 'resolved'], example: 'open', description: '`resolved` once a replay loaded the row (the entry is kept)' }) status: 'open' | 'resolved';
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The replay run that loaded the row' }) resolved_by_run_id: string | null;
}

class QuarantinePageDto {
  @ApiProperty({ type: [QuarantinedRecordDto] }) data: QuarantinedRecordDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

interface Row {
  id: string; cursor_at: string; source: string; stream: string; natural_key: string | null; reason: string; payload: unknown; occurrences: number;
  first_seen_at: Date; last_seen_at: Date; run_id: string | null; status: 'open' | 'resolved'; resolved_by_run_id: string | null;
}

@Injectable()
export class QuarantineReadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  page(q: QuarantineQueryDto, limit: number, after?: [string, string]): Promise<{ rows: Row[]; total: number }> {
    const status = q.status ?? 'open';
    const where = new WhereBuilder().addIf(q.source, 'source = ?').addIf(q.since ? new Date(q.since) : undefined, 'last_seen_at >= ?')
      .addIf(status === 'all' ? undefined : status, 'status = ?');
    const columns = 'source, stream, natural_key, reason, payload, occurrences, first_seen_at, last_seen_at, run_id::text, status, resolved_by_run_id::text';
    return newestFirstPage<Row>(this.dataSource, 'quarantined_records', columns, where, limit, after);
  }
}

@ApiTags('quarantine')
@ApiExtraModels(ReplayStartedDto)
@Controller('quarantine')
export class QuarantineController {
  constructor(
    private readonly repository: QuarantineReadRepository,
    private readonly replays: QuarantineReplayService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @AdminOnly()
  @ApiOperation({ operationId: 'listQuarantine', summary: 'Rows that failed validation or mapping, with the raw payload and the reason (admin); open ones by default' })
  @ApiOkResponse({ type: QuarantinePageDto })
  async list(@Query() query: QuarantineQueryDto): Promise<Page<QuarantinedRecordDto>> {
    const limit = parseLimit(query.limit);
    const { rows, total } = await this.repository.page(query, limit, timeCursor(query.cursor, 'quarantine'));
    return toTimePage(rows, limit, 'quarantine', (r) => r.cursor_at, ({ cursor_at: _c, ...r }) => ({ ...r, first_seen_at: r.first_seen_at.toISOString(), last_seen_at: r.last_seen_at.toISOString() }), total);
  }

  @Post('replay')
  @HttpCode(202)
  @AdminOnly()
  @ApiOperation({
    operationId: 'replayQuarantine',
    summary: 'Replay open quarantine entries through today\'s rules and mappers: rows that pass are loaded and marked resolved (admin)',
  })
  @ApiAcceptedResponse({ schema: { properties: { data: { $ref: getSchemaPath(ReplayStartedDto) } } } })
  @ApiBadRequestResponse({ description: 'Invalid body, or no installed source has that id (field `source`)' })
  @ApiNotFoundResponse({ description: 'Some `ids` are not open quarantine entries of that source' })
  @ApiConflictResponse({ description: 'The source is running now (in this or another process)' })
  async replay(@Body() body: ReplayQuarantineDto): Promise<Single<ReplayStartedDto>> {
    if (this.config.appRole === 'api') {
      throw new ServiceUnavailableException('This replica serves the API only (APP_ROLE=api) and never runs the ETL; replay from a worker or an APP_ROLE=all instance');
    }
    try {
      const { run_id, replayed } = await this.replays.start({ source: body.source, ids: body.ids });
      return { data: { run_id, replayed } };
    } catch (err) {
      throw toHttpError(err, 'body');
    }
  }
}
