import { countsToNumbers } from '../../common/sql/bigint-counts.js';
import { lastFinishedAtSql, lastSourceRunSql } from '../../common/sql/last-source-run.js';
import type { ListTotal } from '../../common/sql/list-total.js';
import { newestFirstPage } from '../../common/sql/newest-first-page.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WhereBuilder } from '../../common/sql/where-builder.js';
import type { BatchCounts } from './batch-counts.js';

/** A run with its source runs' summed counts. */
export interface RunRow extends BatchCounts {
  id: string;
  trigger: string;
  status: string;
  sources: string[];
  instance_id: string;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
}

/** A run as a page row: with its keyset timestamp (microseconds). */
export type RunPageRow = RunRow & { cursor_at: string };

export interface SourceRunRow {
  id: string;
  run_id: string;
  source: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  records_extracted: number;
  records_inserted: number;
  records_updated: number;
  records_unchanged: number;
  records_duplicate: number;
  records_quarantined: number;
  retries: number;
  rate_limit_wait_ms: number;
  backoff_wait_ms: number;
  retry_after_wait_ms: number;
  cursor_before: unknown;
  cursor_after: unknown;
  error_class: string | null;
  error_message: string | null;
  schema_fingerprint: string | null;
}

/** What `etl status` shows of a source's latest run. */
export type LatestSourceRunRow = Pick<
  SourceRunRow,
  | 'source'
  | 'status'
  | 'started_at'
  | 'finished_at'
  | 'duration_ms'
  | 'records_extracted'
  | 'records_inserted'
  | 'records_quarantined'
  | 'error_message'
>;

/** A run's columns after its id, with its source runs' summed counts (from etl_runs r joined to etl_source_runs s). */
const RUN_COLUMNS = `r.trigger, r.status, r.sources, r.instance_id, r.started_at, r.finished_at, r.duration_ms,
  coalesce(sum(s.records_extracted), 0)::bigint AS extracted, coalesce(sum(s.records_inserted), 0)::bigint AS inserted,
  coalesce(sum(s.records_updated), 0)::bigint AS updated, coalesce(sum(s.records_unchanged), 0)::bigint AS unchanged,
  coalesce(sum(s.records_duplicate), 0)::bigint AS duplicate, coalesce(sum(s.records_quarantined), 0)::bigint AS quarantined`;
const RUN_COUNTS = ['extracted', 'inserted', 'updated', 'unchanged', 'duplicate', 'quarantined'] as const;
const toRunRow = <R extends RunRow>(r: R): R => countsToNumbers(r, RUN_COUNTS);
const WITH_SOURCE_RUNS = 'LEFT JOIN etl_source_runs s ON s.run_id = r.id';
const SOURCE_RUN_COUNTS = [
  'records_extracted',
  'records_inserted',
  'records_updated',
  'records_unchanged',
  'records_duplicate',
  'records_quarantined',
] as const;

@Injectable()
export class RunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(
    f: { status?: string; trigger?: string; source?: string },
    limit: number,
    after?: [string, string],
  ): Promise<{ rows: RunPageRow[]; total: ListTotal }> {
    const where = new WhereBuilder()
      .addIf(f.status, 'r.status = ?')
      .addIf(f.trigger, 'r.trigger = ?')
      .addIf(f.source, '? = ANY(r.sources)');
    const { rows, total } = await newestFirstPage<RunPageRow>(this.dataSource, {
      table: 'etl_runs r',
      joins: WITH_SOURCE_RUNS,
      keyset: { at: 'r.started_at', id: 'r.id' },
      columns: RUN_COLUMNS,
      where,
      groupBy: 'r.id',
      limit,
      after,
    });
    return { rows: rows.map(toRunRow), total };
  }

  async findRun(id: string): Promise<RunRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT r.id::text, ${RUN_COLUMNS} FROM etl_runs r ${WITH_SOURCE_RUNS} WHERE r.id = $1::bigint GROUP BY r.id`,
      [id],
    )) as RunRow[];
    return rows[0] && toRunRow(rows[0]);
  }

  async findSourceRuns(runId: string): Promise<SourceRunRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT id::text, run_id::text, source, status, started_at, finished_at, duration_ms, records_extracted, records_inserted, records_updated,
              records_unchanged, records_duplicate, records_quarantined, retries, rate_limit_wait_ms,
              backoff_wait_ms, retry_after_wait_ms, cursor_before, cursor_after, error_class, error_message,
              schema_fingerprint
         FROM etl_source_runs WHERE run_id = $1::bigint ORDER BY source`,
      [runId],
    )) as SourceRunRow[];
    return rows.map((r) => countsToNumbers(r, SOURCE_RUN_COUNTS));
  }

  /** The same source's finished runs before `beforeId`, newest first. */
  async history(
    source: string,
    beforeId: string,
    limit = 10,
  ): Promise<Array<{ status: string; extracted: number; durationMs: number | null }>> {
    return (await this.dataSource.query(
      `SELECT status, records_extracted AS extracted, duration_ms AS "durationMs" FROM etl_source_runs
        WHERE source = $1 AND id < $2::bigint AND status <> 'running' ORDER BY id DESC LIMIT $3`,
      [source, beforeId, limit],
    )) as Array<{ status: string; extracted: number; durationMs: number | null }>;
  }

  async lastSuccess(sources: string[]): Promise<Map<string, Date | null>> {
    const rows = (await this.dataSource.query(
      `SELECT s.source, ${lastFinishedAtSql('s.source', ['succeeded'])} AS at FROM unnest($1::text[]) AS s(source)`,
      [sources],
    )) as Array<{ source: string; at: Date | null }>;
    return new Map(rows.map((r) => [r.source, r.at]));
  }

  /** The latest run of every source in the ledger, by source. */
  async latestRunPerSource(): Promise<LatestSourceRunRow[]> {
    const columns = `r.source, r.status, r.started_at, r.finished_at, r.duration_ms, r.records_extracted, r.records_inserted,
            r.records_quarantined, r.error_message`;
    const rows = (await this.dataSource.query(
      `SELECT l.* FROM (SELECT DISTINCT source FROM etl_source_runs) s
         CROSS JOIN LATERAL (${lastSourceRunSql('s.source', columns)}) l
        ORDER BY l.source`,
    )) as LatestSourceRunRow[];
    return rows.map((r) => countsToNumbers(r, ['records_extracted', 'records_inserted', 'records_quarantined']));
  }

  async driftOfRun(runId: string): Promise<Array<Record<string, unknown>>> {
    return (await this.dataSource.query(
      `SELECT source, stream, kind, field, candidate, confidence::float8 AS confidence, severity, action FROM drift_events WHERE run_id = $1::bigint ORDER BY source, stream, kind, field`,
      [runId],
    )) as Array<Record<string, unknown>>;
  }

  /**
   * Assets whose latest quotes from different sources disagree by more than `thresholdPct`. Only
   * fresh quotes count: within `freshSeconds` of now on either side (an old CSV snapshot is history,
   * not a disagreement, and a quote dated far ahead is not "the newest"). All in `numeric`: the
   * median is the exact middle (mean of the two middle prices as `(a + b) * 0.5`), and the test
   * compares `range * 100 > threshold * median` without dividing, as the consolidated view does.
   */
  async divergentAssets(
    thresholdPct: number,
    freshSeconds: number,
    limit = 20,
  ): Promise<Array<{ asset_id: string; symbol: string; spread_pct: number; sources: number }>> {
    return (await this.dataSource.query(
      `WITH ${SPREAD_CTES}
       SELECT s.asset_id, a.symbol, round(s.price_range * 100 / s.median, 4)::float8 AS spread_pct, s.sources
         FROM spread s JOIN assets a ON a.id = s.asset_id
        WHERE ${DIVERGENT}
        ORDER BY s.price_range / s.median DESC LIMIT $3`,
      [thresholdPct, freshSeconds, limit],
    )) as Array<{ asset_id: string; symbol: string; spread_pct: number; sources: number }>;
  }

  /** How many assets diverge beyond the threshold, and the widest spread of all (same rules as above). */
  async consensusSummary(
    thresholdPct: number,
    freshSeconds: number,
  ): Promise<{ divergent: number; maxSpreadPct: number }> {
    const [row] = (await this.dataSource.query(
      `WITH ${SPREAD_CTES}
       SELECT count(*) FILTER (WHERE ${DIVERGENT})::bigint AS divergent,
              coalesce(max(round(s.price_range * 100 / s.median, 4)) FILTER (WHERE s.median > 0), 0)::float8
                AS "maxSpreadPct"
         FROM spread s`,
      [thresholdPct, freshSeconds],
    )) as Array<{ divergent: number; maxSpreadPct: number }>;
    return countsToNumbers(row, ['divergent']);
  }

  /** Stores what the run's anomaly check found, so every replica's /metrics can report it. */
  async recordEvaluation(
    runId: string,
    e: { anomalies: Record<string, number>; divergent: number; maxSpreadPct: number },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE etl_runs SET anomalies = $2::jsonb, divergent_assets = $3, max_spread_pct = $4 WHERE id = $1::bigint`,
      [runId, JSON.stringify(e.anomalies), e.divergent, e.maxSpreadPct],
    );
  }
}

/**
 * Latest price per (asset, source), fresh within $2 seconds of now (either side); per asset with
 * two or more: the price range and the exact median, in numeric.
 */
const SPREAD_CTES = `latest AS (
         SELECT DISTINCT ON (asset_id, source) asset_id, source, price_usd, observed_at
           FROM market_quotes ORDER BY asset_id, source, observed_at DESC),
       fresh AS (
         SELECT asset_id, price_usd FROM latest
          WHERE observed_at BETWEEN now() - make_interval(secs => $2) AND now() + make_interval(secs => $2)),
       ranked AS (
         SELECT asset_id, price_usd, row_number() OVER w AS rn, count(*) OVER (PARTITION BY asset_id) AS n
           FROM fresh WINDOW w AS (PARTITION BY asset_id ORDER BY price_usd)),
       spread AS (
         SELECT asset_id, n::int AS sources, max(price_usd) - min(price_usd) AS price_range,
                (min(price_usd) FILTER (WHERE rn = (n + 1) / 2) + min(price_usd) FILTER (WHERE rn = (n + 2) / 2)) * 0.5
                  AS median
           FROM ranked GROUP BY asset_id, n HAVING n > 1)`;

/** Divergent: the range beyond `$1` percent of the median, compared without dividing. */
const DIVERGENT = 's.median > 0 AND s.price_range * 100 > $1::numeric * s.median';
