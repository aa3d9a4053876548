import { ConflictException, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../platform/http/admin-key.guard.js';
import type { Page, Single } from '../../common/http/envelope.js';
import {
  DriftEventIdParamDto,
  DriftEventPageDto,
  DriftEventResponseDto,
  DriftEventsQueryDto,
  type DriftEventDto,
} from './dto/drift-events.dto.js';
import { DriftEventsService } from './drift-events.service.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';

@ApiTags('drift')
@ApiStandardErrors()
@Controller('drift-events')
export class DriftEventsController {
  constructor(private readonly service: DriftEventsService) {}

  @Get()
  @ApiOperation({
    summary: 'Schema drift detected in upstream payloads (newest first); renames carry their status and evidence',
    description: 'Added, removed, renamed and retyped fields per source, with what the drift policy did about them.',
  })
  @ApiOkResponse({ type: DriftEventPageDto })
  list(@Query() query: DriftEventsQueryDto): Promise<Page<DriftEventDto>> {
    return this.service.list(query);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    summary: 'Reject a rename (admin): it is never applied again; the old field then counts as missing. Idempotent.',
    description:
      'Marks the rename event rejected and stores the rejection, so later runs never map the old field onto ' +
      'the candidate again (a required field then quarantines its rows under the drift policy). Repeating it ' +
      'answers the same rejected event.',
  })
  @ApiOkResponse({ type: DriftEventResponseDto, description: 'The rename event, now rejected, with rejected_at' })
  @ApiStandardErrors({
    badRequest: 'id is not a positive integer (field `id`)',
    notFound: 'No drift event with this id',
    conflict: 'The drift event is not a rename (kind added, missing or type_changed)',
  })
  async reject(@Param() params: DriftEventIdParamDto): Promise<Single<DriftEventDto>> {
    const result = await this.service.reject(params.id);
    if (result.outcome === 'not_found') throw new NotFoundException(`Drift event ${params.id} not found`);
    if (result.outcome === 'not_a_rename') {
      const message = `Drift event ${params.id} is a ${result.kind} event, not a rename: only renames can be rejected`;
      throw new ConflictException(message);
    }
    return { data: result.event };
  }
}
