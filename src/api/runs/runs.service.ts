import { Injectable, NotFoundException } from '@nestjs/common';
import type { Page } from '../../common/http/envelope.js';
import { newestFirstList } from '../../common/http/keyset-page.js';
import { AnomalyService } from '../../etl/ledger/anomaly.service.js';
import { countsOf } from '../../etl/ledger/batch-counts.js';
import type {
  CompareRunsQueryDto,
  ListRunsQueryDto,
  RunComparisonDto,
  RunDetailDto,
  RunDriftEventDto,
  RunDto,
  SourceRunDto,
} from './dto/runs.dto.js';
import { compareSource, sourceRunCounts } from './run-comparison.js';
import { RunsRepository, type RunRow, type SourceRunRow } from '../../etl/ledger/runs.repository.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly anomalies: AnomalyService,
  ) {}

  list(query: ListRunsQueryDto): Promise<Page<RunDto>> {
    const read = (limit: number, after?: [string, string]) => this.runs.page(query, limit, after);
    return newestFirstList({ query, sort: 'runs', read, map: toRunDto });
  }

  /** Deltas are target minus base, per source present in either run. */
  async compare(query: CompareRunsQueryDto): Promise<RunComparisonDto> {
    const [base, target] = await Promise.all([this.runs.findRun(query.base), this.runs.findRun(query.target)]);
    if (!base) throw new NotFoundException(`Run ${query.base} (base) not found`);
    if (!target) throw new NotFoundException(`Run ${query.target} (target) not found`);
    const [baseRuns, targetRuns, anomalies] = await Promise.all([
      this.runs.findSourceRuns(base.id),
      this.runs.findSourceRuns(target.id),
      this.anomalies.anomaliesOf(target.id),
    ]);
    const sources = [...new Set([...baseRuns, ...targetRuns].map((s) => s.source))].sort();
    return {
      base: toRunDto(base),
      target: toRunDto(target),
      sources: sources.map((source) =>
        compareSource({
          source,
          base: baseRuns.find((s) => s.source === source),
          target: targetRuns.find((s) => s.source === source),
        }),
      ),
      anomalies,
    };
  }

  async detail(id: string): Promise<RunDetailDto> {
    const run = await this.runs.findRun(id);
    if (!run) throw new NotFoundException(`Run ${id} not found`);
    const [sourceRuns, drift, anomalies] = await Promise.all([
      this.runs.findSourceRuns(run.id),
      this.runs.driftOfRun(run.id),
      this.anomalies.anomaliesOf(run.id),
    ]);
    // driftOfRun selects exactly the columns of RunDriftEventDto (its rows are typed loosely in the ledger).
    const driftEvents = drift as unknown as RunDriftEventDto[];
    return { ...toRunDto(run), source_runs: sourceRuns.map(toSourceRunDto), drift_events: driftEvents, anomalies };
  }
}

function toRunDto(r: RunRow): RunDto {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    sources: r.sources,
    started_at: new Date(r.started_at).toISOString(),
    finished_at: iso(r.finished_at),
    duration_ms: r.duration_ms,
    records: countsOf(r),
  };
}

function toSourceRunDto(s: SourceRunRow): SourceRunDto {
  return {
    source: s.source,
    status: s.status,
    started_at: new Date(s.started_at).toISOString(),
    finished_at: iso(s.finished_at),
    duration_ms: s.duration_ms,
    records: sourceRunCounts(s),
    retries: s.retries,
    rate_limit_wait_ms: s.rate_limit_wait_ms,
    backoff_wait_ms: s.backoff_wait_ms,
    retry_after_wait_ms: s.retry_after_wait_ms,
    cursor_before: s.cursor_before,
    cursor_after: s.cursor_after,
    error_class: s.error_class,
    error_message: s.error_message,
    schema_fingerprint: s.schema_fingerprint,
  };
}
