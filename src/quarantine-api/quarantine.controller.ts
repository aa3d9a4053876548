import { Body, Controller, Get, HttpCode, Post, Query, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags,
  getSchemaPath, IntersectionType,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { AdminOnly } from '../common/http/admin-key.guard.js';
import { PaginationDto, type Page, type Single } from '../common/http/envelope.js';
import { timeCursor, toTimePage } from '../common/http/keyset-page.js';
import { LastSeenPageQueryDto, SourceQueryDto } from '../common/http/page-query.dto.js';
import { parseLimit } from '../common/http/query-params.js';
import { ApiStandardErrors } from '../common/http/api-standard-errors.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { toHttpError } from '../etl/operations/operation-http-errors.js';
import { QuarantineReplayService } from '../etl/operations/quarantine-replay.service.js';
import { ReplayQuarantineDto, ReplayStartedDto } from './dto/replay-quarantine.dto.js';
import { QuarantineReadRepository, type QuarantineRow } from './quarantine-read.repository.js';

const STATUSES = ['open', 'resolved', 'all'] as const;

class QuarantineStatusQueryDto {
  @ApiPropertyOptional({
    enum: STATUSES, default: 'open',
    description: 'Entries still failing (`open`, the default), loaded by a replay (`resolved`), or `all`',
  })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];
}

export class QuarantineQueryDto extends IntersectionType(SourceQueryDto, LastSeenPageQueryDto, QuarantineStatusQueryDto) {}

export class QuarantinedRecordDto {
  @ApiProperty({ example: '7' }) id: string;
  @ApiProperty({ example: 'csv' }) source: string;
  @ApiProperty({ example: 'quotes' }) stream: string;
  @ApiProperty({ type: String, nullable: true, example: 'exchange-export-quirky.csv#8' }) natural_key: string | null;
  @ApiProperty({ example: 'price_usd: not a number: "not-a-price"' }) reason: string;
  @ApiProperty({ example: { symbol: 'BNB', price_usd: 'not-a-price' }, description: 'The raw payload as received' })
  payload: unknown;
  @ApiProperty({
    enum: ['jsonb', 'text'], example: 'jsonb',
    description: 'How the payload is stored: `text` when PostgreSQL jsonb refuses it (a NUL or an unpaired surrogate '
      + 'in a string); it is served the same way',
  })
  payload_storage: 'jsonb' | 'text';
  @ApiProperty({ example: 1 }) occurrences: number;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) first_seen_at: string;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) last_seen_at: string;
  @ApiProperty({ type: String, nullable: true, example: '3' }) run_id: string | null;
  @ApiProperty({
    enum: ['open', 'resolved'], example: 'open', description: '`resolved` once a replay loaded the row (the entry is kept)',
  })
  status: 'open' | 'resolved';
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The replay run that loaded the row' })
  resolved_by_run_id: string | null;
}

class QuarantinePageDto {
  @ApiProperty({ type: [QuarantinedRecordDto] }) data: QuarantinedRecordDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

@ApiTags('quarantine')
@ApiStandardErrors()
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
  @ApiOperation({
    operationId: 'listQuarantine',
    summary: 'Rows that failed validation or mapping, with the raw payload and the reason (admin); open ones by default',
    description: 'Admin only: payloads are shown as received. Filter by source, time or status; keyset pagination.',
  })
  @ApiOkResponse({ type: QuarantinePageDto })
  async list(@Query() query: QuarantineQueryDto): Promise<Page<QuarantinedRecordDto>> {
    const limit = parseLimit(query.limit);
    const filter = {
      source: query.source, since: query.since ? new Date(query.since) : undefined, status: query.status ?? 'open',
    };
    const { rows, total } = await this.repository.page(filter, limit, timeCursor(query.cursor, 'quarantine'));
    return toTimePage(rows, limit, 'quarantine', (r) => r.cursor_at, toDto, total);
  }

  @Post('replay')
  @HttpCode(202)
  @AdminOnly()
  @ApiOperation({
    operationId: 'replayQuarantine',
    summary: 'Replay open quarantine entries through today\'s rules and mappers (admin)',
    description: 'Rows that now pass are loaded and marked resolved (kept, with the run that resolved them); rows '
      + 'that still fail stay open with their new reason. Runs as its own run under the source lock.',
  })
  @ApiAcceptedResponse({ schema: { properties: { data: { $ref: getSchemaPath(ReplayStartedDto) } } } })
  @ApiStandardErrors({
    badRequest: 'Invalid body, or no installed source has that id (field `source`)',
    notFound: 'Some `ids` are not open quarantine entries of that source',
    conflict: 'The source is running now (in this or another process)',
  })
  async replay(@Body() body: ReplayQuarantineDto): Promise<Single<ReplayStartedDto>> {
    if (this.config.appRole === 'api') {
      throw new ServiceUnavailableException(
        'This replica serves the API only (APP_ROLE=api) and never runs the ETL; replay from a worker or an APP_ROLE=all instance',
      );
    }
    try {
      const { run_id, replayed } = await this.replays.start({ source: body.source, ids: body.ids });
      return { data: { run_id, replayed } };
    } catch (err) {
      throw toHttpError(err, 'body');
    }
  }
}

function toDto({ cursor_at: _c, payload, payload_text: text, ...r }: QuarantineRow): QuarantinedRecordDto {
  // A text payload is the JSON.stringify of what was received: parsed back, it is served like any other.
  const storedAsText = payload === null && text !== null;
  return {
    ...r,
    payload: storedAsText ? (JSON.parse(text) as unknown) : payload,
    payload_storage: storedAsText ? 'text' : 'jsonb',
    first_seen_at: r.first_seen_at.toISOString(), last_seen_at: r.last_seen_at.toISOString(),
  };
}
