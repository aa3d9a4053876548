import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiDataResponse } from '../../common/http/api-data-response.decorator.js';
import { AdminOnly } from '../../platform/http/admin-key.guard.js';
import type { Single } from '../../common/http/envelope.js';
import { ResetStreamsDto, RunCancellingDto, StreamsResetDto } from './dto/stream-operations.dto.js';
import { badRequest } from './operation-http-errors.js';
import { StreamOperationsService } from './stream-operations.service.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';

const SOURCE_ID = /^[a-z0-9_-]{1,64}$/;
const RUN_ID = /^[1-9][0-9]{0,17}$/;

@ApiTags('etl')
@ApiStandardErrors()
@Controller('etl')
export class StreamOperationsController {
  constructor(private readonly operations: StreamOperationsService) {}

  @Post('sources/:source/reset')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    operationId: 'resetSourceStreams',
    summary:
      "Clear the checkpoints of a source's streams (default: all): the next run re-reads everything; data is kept",
    description:
      "Admin. The streams' checkpoints become empty (`/stats` shows `{}`); stored rows stay, and the " +
      'idempotent writes make the re-read harmless. Refused while the source runs anywhere.',
  })
  @ApiParam({ name: 'source', example: 'coingecko' })
  @ApiDataResponse(StreamsResetDto)
  @ApiStandardErrors({
    badRequest: 'A stream the source does not declare (field `streams`)',
    notFound: 'No installed source has that id',
    conflict: 'The source is running now (in this or another process)',
  })
  async reset(@Param('source') source: string, @Body() body: ResetStreamsDto = {}): Promise<Single<StreamsResetDto>> {
    if (!SOURCE_ID.test(source)) throw badRequest('source', 'source must be a source id such as "coingecko"');
    return { data: await this.operations.reset(source, body?.streams) };
  }

  @Delete('runs/:id')
  @HttpCode(202)
  @AdminOnly()
  @ApiOperation({
    operationId: 'cancelRun',
    summary:
      'Cancel a running run: it stops at its next batch boundary, commits nothing half-done, and ends `cancelled`',
    description:
      'Admin. Works across processes (the request is stored in the ledger and read at each batch boundary); ' +
      'the run and its unfinished source runs end `cancelled`.',
  })
  @ApiParam({ name: 'id', example: '42' })
  @ApiDataResponse(RunCancellingDto, { status: 202 })
  @ApiStandardErrors({
    badRequest: 'The id is not a run id',
    notFound: 'No run has that id',
    conflict: 'The run has ended already',
  })
  async cancel(@Param('id') id: string): Promise<Single<RunCancellingDto>> {
    if (!RUN_ID.test(id)) throw badRequest('id', 'id must be a run id such as "42"');
    return { data: await this.operations.cancel(id) };
  }
}
