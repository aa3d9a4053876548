import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Upper bounds (seconds) of the etl_run_duration_seconds histogram. */
export const DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900] as const;

/** Loading outcomes counted in the ledger (`duplicate` only once its ledger column exists). */
export type LoadOutcome = 'inserted' | 'updated' | 'unchanged' | 'quarantined' | 'duplicate';

/** Finished source runs of one source with one status, summed. */
export interface StatusTotals {
  source: string;
  status: string;
  runs: number;
  extracted: number;
  outcomes: Partial<Record<LoadOutcome, number>>;
  rateLimitWaitMs: number;
  durationCount: number;
  durationSumMs: number;
  /** Cumulative counts per DURATION_BUCKETS bound, same order. */
  durationBuckets: number[];
}

export interface SourceLatest {
  source: string;
  lastSuccessAt: Date | null;
  consecutiveFailures: number;
  newestQuoteAt: Date | null;
}

export interface LedgerSummary {
  /** Whether the ledger has the `duplicate` count column yet. */
  duplicateCounted: boolean;
  statuses: StatusTotals[];
  latest: SourceLatest[];
  drift: Array<{ source: string; kind: string; events: number }>;
  anomalies: Array<{ rule: string; count: number }>;
  consensus: { divergentAssets: number; maxSpreadPct: number } | null;
}

const FAILED = `('failed', 'rate_limited', 'abandoned')`;

/**
 * The one summary query behind the ledger-served metrics. Its cost is bounded: the source-run ledger
 * aggregated per (source, status); "latest" values walk the (source, started_at) and (started_at)
 * indexes backwards a few rows per enabled source; drift events are one row per distinct drift.
 */
@Injectable()
export class LedgerSummaryRepository {
  private duplicateColumn: Promise<boolean> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async summary(sources: readonly string[]): Promise<LedgerSummary> {
    const duplicateCounted = await this.hasDuplicateColumn();
    const duplicate = duplicateCounted ? `sum(records_duplicate)::float8` : `NULL::float8`;
    const buckets = DURATION_BUCKETS.map((b) => `count(*) FILTER (WHERE duration_ms <= ${b * 1000})::float8`).join(
      ', ',
    );
    const [row] = (await this.dataSource.query(
      `WITH statuses AS (
         SELECT source, status, count(*)::float8 AS runs, sum(records_extracted)::float8 AS extracted,
                json_build_object('inserted', sum(records_inserted)::float8, 'updated', sum(records_updated)::float8,
                  'unchanged', sum(records_unchanged)::float8, 'quarantined', sum(records_quarantined)::float8,
                  'duplicate', ${duplicate}) AS outcomes,
                sum(rate_limit_wait_ms + retry_after_wait_ms)::float8 AS "rateLimitWaitMs",
                count(duration_ms)::float8 AS "durationCount", coalesce(sum(duration_ms), 0)::float8 AS "durationSumMs",
                json_build_array(${buckets}) AS "durationBuckets"
           FROM etl_source_runs WHERE status <> 'running' GROUP BY source, status),
       latest AS (
         SELECT e.source, ok."lastSuccessAt", fails.n AS "consecutiveFailures", q."newestQuoteAt"
           FROM unnest($1::text[]) AS e(source)
           LEFT JOIN LATERAL (SELECT finished_at AS "lastSuccessAt", started_at FROM etl_source_runs r
                               WHERE r.source = e.source AND r.status = 'succeeded'
                               ORDER BY started_at DESC LIMIT 1) ok ON true
           LEFT JOIN LATERAL (SELECT count(*)::bigint AS n FROM etl_source_runs r
                               WHERE r.source = e.source AND r.status IN ${FAILED}
                                 AND r.started_at > coalesce(ok.started_at, '-infinity')) fails ON true
           LEFT JOIN LATERAL (SELECT observed_at AS "newestQuoteAt" FROM market_quotes m
                               WHERE m.source = e.source ORDER BY observed_at DESC LIMIT 1) q ON true),
       consensus AS (
         SELECT divergent_assets AS "divergentAssets", max_spread_pct AS "maxSpreadPct" FROM etl_runs
          WHERE divergent_assets IS NOT NULL ORDER BY started_at DESC LIMIT 1)
       SELECT (SELECT coalesce(json_agg(s), '[]') FROM statuses s) AS statuses,
              (SELECT coalesce(json_agg(l), '[]') FROM latest l) AS latest,
              (SELECT coalesce(json_agg(d), '[]') FROM (SELECT source, kind, sum(occurrences)::float8 AS events
                 FROM drift_events GROUP BY source, kind) d) AS drift,
              (SELECT coalesce(json_agg(a), '[]') FROM (SELECT key AS rule, sum(value::text::float8) AS count
                 FROM etl_runs, jsonb_each(anomalies) GROUP BY key) a) AS anomalies,
              (SELECT row_to_json(c) FROM consensus c) AS consensus`,
      [sources],
    )) as Array<
      Omit<LedgerSummary, 'latest' | 'duplicateCounted'> & { latest: Array<Record<string, string | number | null>> }
    >;
    const date = (v: string | number | null | undefined): Date | null => (v ? new Date(v) : null);
    return {
      ...row,
      duplicateCounted,
      latest: row.latest.map((l) => ({
        source: String(l.source),
        lastSuccessAt: date(l.lastSuccessAt),
        consecutiveFailures: Number(l.consecutiveFailures ?? 0),
        newestQuoteAt: date(l.newestQuoteAt),
      })),
    };
  }

  /** The `duplicate` ledger count arrives with its own migration; until then it is not exported. */
  private hasDuplicateColumn(): Promise<boolean> {
    this.duplicateColumn ??= this.dataSource
      .query(
        `SELECT 1 FROM information_schema.columns
          WHERE table_name = 'etl_source_runs' AND column_name = 'records_duplicate'`,
      )
      .then((rows: unknown[]) => rows.length > 0);
    return this.duplicateColumn;
  }
}
