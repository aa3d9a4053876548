import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config.js';
import type { SourceStatsDto, StatsDto } from './dto/stats.dto.js';
import { StatsRepository, type SourceStatsRow } from './stats.repository.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

@Injectable()
export class StatsService {
  constructor(
    private readonly repository: StatsRepository,
    private readonly config: AppConfig,
  ) {}

  async stats(): Promise<StatsDto> {
    const enabled = new Set(this.config.etl.sources);
    const [rows, totals] = await Promise.all([this.repository.perSource([...enabled]), this.repository.totals()]);
    return { sources: rows.map((r) => toSourceStats(r, enabled.has(r.source))), totals };
  }
}

function toSourceStats(r: SourceStatsRow, enabled: boolean): SourceStatsDto {
  return {
    source: r.source,
    enabled,
    records_total: Number(r.records_total),
    last_run_status: r.status,
    last_run_started_at: iso(r.started_at),
    last_run_duration_ms: r.duration_ms,
    last_run_records:
      r.status === null
        ? null
        : {
            extracted: Number(r.extracted ?? 0),
            inserted: Number(r.inserted ?? 0),
            updated: Number(r.updated ?? 0),
            unchanged: Number(r.unchanged ?? 0),
            duplicate: Number(r.duplicate ?? 0),
            quarantined: Number(r.quarantined ?? 0),
          },
    last_success_at: iso(r.last_success_at),
    last_failure_at: iso(r.last_failure_at),
    last_error: r.error_message,
    cursor: r.cursor ?? {},
  };
}
