import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/http/admin-key.guard.js';
import { PaginationDto, type Page } from '../common/http/envelope.js';
import { timeCursor, toTimePage } from '../common/http/keyset-page.js';
import { CursorParam, DateTimeParam, LimitParam, parseLimit, SourceParam } from '../common/http/query-params.js';
import { QuarantineReadRepository, type QuarantineRow } from './quarantine-read.repository.js';
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
}

class QuarantinePageDto {
  @ApiProperty({ type: [QuarantinedRecordDto] }) data: QuarantinedRecordDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
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
    const filter = { source: query.source, since: query.since ? new Date(query.since) : undefined };
    const { rows, total } = await this.repository.page(filter, limit, timeCursor(query.cursor, 'quarantine'));
    return toTimePage(rows, limit, 'quarantine', (r) => r.cursor_at, toDto, total);
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
