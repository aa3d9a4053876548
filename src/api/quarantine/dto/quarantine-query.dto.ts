import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { LastSeenPageQueryDto, SourceQueryDto } from '../../../common/http/page-query.dto.js';

const STATUSES = ['open', 'resolved', 'all'] as const;

class QuarantineStatusQueryDto {
  @ApiPropertyOptional({
    enum: STATUSES,
    default: 'open',
    description: 'Entries still failing (`open`, the default), loaded by a replay (`resolved`), or `all`',
  })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: (typeof STATUSES)[number];
}

export class QuarantineQueryDto extends IntersectionType(
  SourceQueryDto,
  LastSeenPageQueryDto,
  QuarantineStatusQueryDto,
) {}
