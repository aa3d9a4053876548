import { IntersectionType } from '@nestjs/swagger';
import { CursorParam, DateTimeParam, LimitParam, SourceParam } from './query-params.js';

// Combine these with a list's own filters through IntersectionType (in the order the parameters
// are listed): plain `extends` would put the inherited parameters first in the OpenAPI document
// and in a 400's list of bad fields.

/** `limit` and `cursor` of every keyset list. */
export class KeysetPageQueryDto {
  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;
}

/** `source` of a list that can be read per source. */
export class SourceQueryDto {
  @SourceParam()
  source?: string;
}

class LastSeenQueryDto {
  @DateTimeParam('Last seen at or after', '2025-05-01T00:00:00Z')
  since?: string;
}

/** Event lists read newest first by last sighting (drift events, quarantined rows): since when, then the page. */
export class LastSeenPageQueryDto extends IntersectionType(LastSeenQueryDto, KeysetPageQueryDto) {}
