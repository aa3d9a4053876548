import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CursorParam, DateTimeParam, LimitParam, SourceParam } from '../../common/http/query-params.js';

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

  @ApiPropertyOptional({
    enum: STATUSES, default: 'open',
    description: 'Entries still failing (`open`, the default), loaded by a replay (`resolved`), or `all`',
  })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];
}
