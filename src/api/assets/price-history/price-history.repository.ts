import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RAW_BUCKET_AGG } from '../../../catalog/quote-rollups.repository.js';
import { exactMedianSql } from '../../../common/sql/exact-median.js';
import { preparedQuery } from '../../../platform/database/prepared-statement.js';

export interface HistoryBucketRow {
  start: string;
  source: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string | null;
  observations: number;
}

export interface ConsensusRow {
  start: string;
  close: string | null;
}

export interface HistoryQuery {
  assetId: string;
  /** First and past-the-last bucket starts (aligned to the interval). */
  firstStart: Date;
  endStart: Date;
  /** Only this source's buckets (the consensus still weighs every source); null: all. */
  source: string | null;
  asOf: Date;
  freshnessSeconds: number;
  intervalSeconds: number;
}

/** Bucket starts leave as epoch milliseconds (formatted in JS: to_char per row costs more than the read). */
const EPOCH_MS = (col: string) => `(extract(epoch FROM ${col}) * 1000)::bigint`;

/**
 * The shared tail of both history reads, over `b` (start_ts, source, open … observations, close_at).
 * A source counts in a bucket's consensus when its close was observed within the freshness budget
 * ($6 s) of the bucket's end, or of now ($5) for the bucket still filling; the consensus close is
 * the exact median of those closes (the one median of every consensus), null when none is fresh.
 */
const TAIL = `, marked AS (
     SELECT b.*, b.close_at BETWEEN least(b.start_ts + make_interval(secs => $7), $5::timestamptz) - make_interval(secs => $6)
                                AND least(b.start_ts + make_interval(secs => $7), $5::timestamptz) + make_interval(secs => $6) AS fresh
       FROM b
   ), per_start AS (
     SELECT start_ts, array_agg(close ORDER BY close) FILTER (WHERE fresh) AS p, (count(*) FILTER (WHERE fresh))::int AS n,
            bool_or($4::text IS NULL OR source = $4) AS listed
       FROM marked GROUP BY start_ts
   )
   -- Plain rows, not one json_agg: building a thousand JSON objects in SQL costs more than the read.
   -- kind 0: a bucket of a source; kind 1: a bucket start's consensus close (in \`close\`).
   SELECT 0 AS kind, ${EPOCH_MS('m.start_ts')} AS start, m.source, m.open, m.high, m.low, m.close, m.volume, m.observations
     FROM marked m WHERE $4::text IS NULL OR m.source = $4
   UNION ALL
   SELECT 1, ${EPOCH_MS('c.start_ts')}, NULL, NULL, NULL, NULL, ${exactMedianSql('c.p', 'c.n')}, NULL, NULL
     FROM per_start c WHERE c.listed
   ORDER BY 1, 2, 3`;

/**
 * 1h / 1d history from quote_rollups ($8 the interval): one primary-key range read, one row per
 * bucket and source. Exported for the API benchmark's baseline (same SQL). Parameters: $1 asset,
 * $2 / $3 first and past-the-last bucket start, $4 source or null, $5 now, $6 freshness budget (s),
 * $7 interval (s), $8 '1h' | '1d'.
 */
export const ROLLUP_HISTORY_SQL = `WITH b AS (
     SELECT r.bucket_start AS start_ts, r.source, r.open, r.high, r.low, r.close, r.volume, r.observations, r.close_at
       FROM quote_rollups r
      WHERE r.asset_id = $1::uuid AND r.bucket_interval = $8 AND r.bucket_start >= $2::timestamptz AND r.bucket_start < $3::timestamptz
   )${TAIL}`;

/**
 * 5m history aggregated from market_quotes (range at most 7 days: bounded by the asset's quotes in
 * it, read through the (asset_id, observed_at) index). Same parameters as ROLLUP_HISTORY_SQL but $8.
 */
export const RAW_HISTORY_SQL = `WITH b AS (
     SELECT * FROM (
       SELECT to_timestamp(floor(extract(epoch FROM q.observed_at) / $7::int) * $7::int) AS start_ts, q.source, ${RAW_BUCKET_AGG}
         FROM market_quotes q
        WHERE q.asset_id = $1::uuid AND q.observed_at >= $2::timestamptz AND q.observed_at < $3::timestamptz
        GROUP BY 1, 2
     ) x(start_ts, source, open, high, low, close, volume, observations, open_at, close_at)
   )${TAIL}`;

/** One row of a history statement; numeric and bigint arrive from pg as strings (exact). */
interface HistoryRow {
  kind: number;
  start: string;
  source: string | null;
  open: string | null;
  high: string | null;
  low: string | null;
  close: string | null;
  volume: string | null;
  observations: number | null;
}

/** Rows to the response's buckets and consensus, keys in the documented order, starts as ISO-8601. */
function toHistory(rows: HistoryRow[]): { buckets: HistoryBucketRow[]; consensus: ConsensusRow[] } {
  const buckets: HistoryBucketRow[] = [];
  const consensus: ConsensusRow[] = [];
  for (const r of rows) {
    const start = new Date(Number(r.start)).toISOString();
    if (r.kind === 1) {
      consensus.push({ start, close: r.close });
    } else {
      buckets.push({
        start,
        source: r.source!,
        open: r.open!,
        high: r.high!,
        low: r.low!,
        close: r.close!,
        volume: r.volume,
        observations: r.observations!,
      });
    }
  }
  return { buckets, consensus };
}

export type HistoryRead = HistoryQuery & { interval: '5m' | '1h' | '1d' };

/** The statement and parameters of one history read (exported for the API benchmark's baseline: same SQL). */
export function historyStatement(q: HistoryRead): { sql: string; params: unknown[] } {
  const params: unknown[] = [
    q.assetId,
    q.firstStart.toISOString(),
    q.endStart.toISOString(),
    q.source,
    q.asOf.toISOString(),
    q.freshnessSeconds,
    q.intervalSeconds,
  ];
  if (q.interval === '5m') return { sql: RAW_HISTORY_SQL, params };
  return { sql: ROLLUP_HISTORY_SQL, params: [...params, q.interval] };
}

@Injectable()
export class PriceHistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Buckets and consensus in one round trip; 1h / 1d from the rollups, 5m from the raw quotes. */
  async history(q: HistoryRead): Promise<{ buckets: HistoryBucketRow[]; consensus: ConsensusRow[] }> {
    const { sql, params } = historyStatement(q);
    return toHistory(await preparedQuery<HistoryRow>(this.dataSource, sql, params));
  }
}
