import { Injectable } from '@nestjs/common';
import type { Page } from '../../common/http/envelope.js';
import { newestFirstList } from '../../common/http/keyset-page.js';
import { QuarantineReplayService } from '../../etl/operations/quarantine-replay.service.js';
import type { QuarantineQueryDto } from './dto/quarantine-query.dto.js';
import type { QuarantinedRecordDto } from './dto/quarantined-record.dto.js';
import type { ReplayQuarantineDto, ReplayStartedDto } from './dto/replay-quarantine.dto.js';
import { QuarantineReadRepository, type QuarantineRow } from './quarantine-read.repository.js';

/** The quarantine as operators see it: pages of entries (open by default), and replays. */
@Injectable()
export class QuarantineService {
  constructor(
    private readonly repository: QuarantineReadRepository,
    private readonly replays: QuarantineReplayService,
  ) {}

  list(query: QuarantineQueryDto): Promise<Page<QuarantinedRecordDto>> {
    const filter = {
      source: query.source,
      since: query.since ? new Date(query.since) : undefined,
      status: query.status ?? 'open',
    };
    const read = (limit: number, after?: [string, string]) => this.repository.page(filter, limit, after);
    return newestFirstList({ query, sort: 'quarantine', read, map: toDto });
  }

  /** Starts the replay; its refusals (unknown source, ids not open, source busy) reach the exception filter. */
  async replay(body: ReplayQuarantineDto): Promise<ReplayStartedDto> {
    const { run_id, replayed } = await this.replays.start({ source: body.source, ids: body.ids });
    return { run_id, replayed };
  }
}

function toDto({ cursor_at: _c, payload, payload_text: text, ...r }: QuarantineRow): QuarantinedRecordDto {
  // A text payload is the JSON.stringify of what was received: parsed back, it is served like any other.
  const storedAsText = payload === null && text !== null;
  return {
    ...r,
    payload: storedAsText ? (JSON.parse(text) as unknown) : payload,
    payload_storage: storedAsText ? 'text' : 'jsonb',
    first_seen_at: r.first_seen_at.toISOString(),
    last_seen_at: r.last_seen_at.toISOString(),
  };
}
