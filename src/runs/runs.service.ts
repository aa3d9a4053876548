import { Injectable, NotFoundException } from '@nestjs/common';
import type { Page } from '../common/http/envelope.js';
import { timeCursor, toTimePage } from '../common/http/keyset-page.js';
import { parseLimit } from '../common/http/query-params.js';
import { AnomalyService } from './anomaly.service.js';
import type {
  CompareRunsQueryDto, ListRunsQueryDto, RunComparisonDto, RunCountsDto, RunDetailDto, RunDto, SourceRunDto,
} from './dto/runs.dto.js';
import { RunsRepository, type RunRow, type SourceRunRow } from './runs.repository.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly anomalies: AnomalyService,
  ) {}

  async list(query: ListRunsQueryDto): Promise<Page<RunDto>> {
    const limit = parseLimit(query.limit);
    const { rows, total } = await this.runs.page(query, limit, timeCursor(query.cursor, 'runs'));
    return toTimePage(rows, limit, 'runs', (r) => r.cursor_at, toRunDto, total);
  }

  /** Deltas are target minus base, per source present in either run. */
  async compare(query: CompareRunsQueryDto): Promise<RunComparisonDto> {
    const [base, target] = await Promise.all([this.runs.findRun(query.base), this.runs.findRun(query.target)]);
    if (!base) throw new NotFoundException(`Run ${query.base} (base) not found`);
    if (!target) throw new NotFoundException(`Run ${query.target} (target) not found`);
    const [baseRuns, targetRuns, anomalies] = await Promise.all([this.runs.findSourceRuns(base.id), this.runs.findSourceRuns(target.id), this.anomalies.anomaliesOf(target.id)]);
    const sources = [...new Set([...baseRuns, ...targetRuns].map((s) => s.source))].sort();
    return {
      base: toRunDto(base),
      target: toRunDto(target),
      sources: sources.map((source) => compareSource(
        source, baseRuns.find((s) => s.source === source), targetRuns.find((s) => s.source === source),
      )),
      anomalies,
    };
  }

  async detail(id: string): Promise<RunDetailDto> {
    const run = await this.runs.findRun(id);
    if (!run) throw new NotFoundException(`Run ${id} not found`);
    const [sourceRuns, drift, anomalies] = await Promise.all([this.runs.findSourceRuns(run.id), this.runs.driftOfRun(run.id), this.anomalies.anomaliesOf(run.id)]);
    return { ...toRunDto(run), source_runs: sourceRuns.map(toSourceRunDto), drift_events: drift, anomalies };
  }
}

function compareSource(source: string, b: SourceRunRow | undefined, t: SourceRunRow | undefined): RunComparisonDto['sources'][number] {
  const cb = counts(b);
  const ct = counts(t);
  return {
    source,
    base_status: b?.status ?? null,
    target_status: t?.status ?? null,
    status_changed: (b?.status ?? null) !== (t?.status ?? null),
    records_delta: {
      extracted: ct.extracted - cb.extracted, inserted: ct.inserted - cb.inserted,
      updated: ct.updated - cb.updated, unchanged: ct.unchanged - cb.unchanged,
      duplicate: ct.duplicate - cb.duplicate, quarantined: ct.quarantined - cb.quarantined,
    },
    duration_delta_ms: typeof b?.duration_ms === 'number' && typeof t?.duration_ms === 'number' ? t.duration_ms - b.duration_ms : null,
  };
}

function toRunDto(r: RunRow): RunDto {
  return {
    id: r.id, trigger: r.trigger, status: r.status, sources: r.sources, started_at: new Date(r.started_at).toISOString(),
    finished_at: iso(r.finished_at), duration_ms: r.duration_ms,
    records: {
      extracted: r.extracted, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, duplicate: r.duplicate,
      quarantined: r.quarantined,
    },
  };
}

function counts(s: SourceRunRow | undefined): RunCountsDto {
  return {
    extracted: s?.records_extracted ?? 0, inserted: s?.records_inserted ?? 0, updated: s?.records_updated ?? 0,
    unchanged: s?.records_unchanged ?? 0, duplicate: s?.records_duplicate ?? 0,
    quarantined: s?.records_quarantined ?? 0,
  };
}

function toSourceRunDto(s: SourceRunRow): SourceRunDto {
  return {
    source: s.source, status: s.status, started_at: new Date(s.started_at).toISOString(), finished_at: iso(s.finished_at), duration_ms: s.duration_ms,
    records: counts(s), retries: s.retries, rate_limit_wait_ms: s.rate_limit_wait_ms,
    backoff_wait_ms: s.backoff_wait_ms, retry_after_wait_ms: s.retry_after_wait_ms, cursor_before: s.cursor_before, cursor_after: s.cursor_after,
    error_class: s.error_class, error_message: s.error_message, schema_fingerprint: s.schema_fingerprint,
  };
}
