import { Body, Controller, Get, HttpCode, Param, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiDataResponse } from '../../common/http/api-data-response.decorator.js';
import { AdminOnly } from '../../platform/http/admin-key.guard.js';
import type { Single } from '../../common/http/envelope.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { badRequest } from '../operations/operation-http-errors.js';
import { BackfillService } from './backfill.service.js';
import type { BackfillRow } from './backfill.repository.js';
import { BackfillCreatedDto, BackfillDto, BackfillListDto, CreateBackfillDto } from './dto/backfill.dto.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';

const BACKFILL_ID = /^[1-9][0-9]{0,17}$/;

@ApiTags('etl')
@ApiStandardErrors()
@Controller('etl/backfills')
export class BackfillController {
  constructor(
    private readonly backfills: BackfillService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @AdminOnly()
  @ApiOperation({
    operationId: 'createBackfill',
    summary:
      'Backfill [from, to) for assets of a source with history; chunked, resumable, never moves the incremental cursor',
    description:
      "Admin. Answers at once with the backfill id; chunks run under the source's lock and rate limit, " +
      'each marked done with its last batch, so a crash resumes at the next chunk. Rows carry provenance `backfill`.',
  })
  @ApiDataResponse(BackfillCreatedDto, { status: 202 })
  @ApiStandardErrors({
    badRequest:
      'Invalid body; unknown source or one without history (named); unknown asset; bad range. ' +
      'A busy source is no error: the backfill stays `queued` until it is free',
  })
  async create(@Body() body: CreateBackfillDto): Promise<Single<BackfillCreatedDto>> {
    if (this.config.appRole === 'api') {
      throw new ServiceUnavailableException(
        'This replica serves the API only (APP_ROLE=api) and never runs the ETL; request the backfill from a worker or an APP_ROLE=all instance',
      );
    }
    const created = await this.backfills.create(body);
    void created.processed;
    return { data: { backfill_id: created.backfillId } };
  }

  @Get()
  @AdminOnly()
  @ApiOperation({
    operationId: 'listBackfills',
    summary: 'Backfills, newest first (last 100)',
    description: 'Admin. Each with its status, ledger counts, chunk progress and [from, to) range.',
  })
  @ApiOkResponse({ type: BackfillListDto })
  async list(): Promise<{ data: BackfillDto[] }> {
    return { data: (await this.backfills.list(100)).map(toDto) };
  }

  @Get(':id')
  @AdminOnly()
  @ApiOperation({
    operationId: 'getBackfill',
    summary: 'A backfill: status, ledger counts, chunks and its [from, to) range',
    description: "Admin. `records` uses the run ledger's count names; `run_id` is the run to cancel it with.",
  })
  @ApiParam({ name: 'id', example: '3' })
  @ApiDataResponse(BackfillDto)
  @ApiStandardErrors({ badRequest: 'The id is not a backfill id', notFound: 'No backfill has that id' })
  async get(@Param('id') id: string): Promise<Single<BackfillDto>> {
    if (!BACKFILL_ID.test(id)) throw badRequest('id', 'id must be a backfill id such as "3"');
    return { data: toDto(await this.backfills.get(id)) };
  }
}

export function toDto(b: BackfillRow): BackfillDto {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    backfill_id: b.id,
    source: b.source,
    assets: b.assets,
    from: new Date(b.from).toISOString(),
    to: new Date(b.to).toISOString(),
    status: b.status,
    records: b.records,
    chunks: { total: b.chunksTotal, done: b.chunksDone },
    run_id: b.runId,
    error: b.errorMessage,
    created_at: new Date(b.createdAt).toISOString(),
    started_at: iso(b.startedAt),
    finished_at: iso(b.finishedAt),
  };
}
