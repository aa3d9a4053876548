import { Injectable } from '@nestjs/common';
import type { Page } from '../../common/http/envelope.js';
import { newestFirstList } from '../../common/http/keyset-page.js';
import type { DriftEventDto, DriftEventsQueryDto } from './dto/drift-events.dto.js';
import { DriftEventsRepository, type DriftEventRow } from './drift-events.repository.js';

export type RejectOutcome =
  { outcome: 'rejected'; event: DriftEventDto } | { outcome: 'not_found' } | { outcome: 'not_a_rename'; kind: string };

@Injectable()
export class DriftEventsService {
  constructor(private readonly repository: DriftEventsRepository) {}

  list(query: DriftEventsQueryDto): Promise<Page<DriftEventDto>> {
    const read = (limit: number, after?: [string, string]) => this.repository.page(query, limit, after);
    return newestFirstList({ query, sort: 'drift', read, map: ({ cursor_at: _c, ...r }) => toDto(r) });
  }

  /**
   * An admin rejects a rename: from the next run on the drift service never applies it (the field
   * counts as missing: required -> quarantined). Any status can be rejected; rejecting twice is a no-op.
   */
  async reject(id: string): Promise<RejectOutcome> {
    const event = await this.repository.findEvent(id);
    if (!event) return { outcome: 'not_found' };
    if (event.kind !== 'renamed') return { outcome: 'not_a_rename', kind: event.kind };
    await this.repository.rejectRename(event);
    return { outcome: 'rejected', event: toDto((await this.repository.findEvent(id))!) };
  }
}

function toDto(r: DriftEventRow): DriftEventDto {
  return {
    ...r,
    confidence: r.confidence === null ? null : Number(r.confidence),
    rejected_at: r.rejected_at ? r.rejected_at.toISOString() : null,
    first_seen_at: r.first_seen_at.toISOString(),
    last_seen_at: r.last_seen_at.toISOString(),
  };
}
