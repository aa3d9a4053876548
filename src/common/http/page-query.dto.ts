import { CursorParam, DateTimeParam, LimitParam, SourceParam } from './query-params.js';

/** `limit` and `cursor` of every keyset list. */
export class KeysetPageQueryDto {
  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;
}

/** Event lists read newest first by last sighting (drift events, quarantined rows): per source, since when. */
export class LastSeenPageQueryDto extends KeysetPageQueryDto {
  @SourceParam()
  source?: string;

  @DateTimeParam('Last seen at or after', '2025-05-01T00:00:00Z')
  since?: string;
}
