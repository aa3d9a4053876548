import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The quotes of one source a batch wrote, by asset and instant (the buckets they fall in are refreshed). */
export interface TouchedQuotes {
  source: string;
  assetIds: readonly string[];
  observedAt: readonly Date[];
}

/** Quotes moved from one asset to another by an identity change (merge, split, re-key). */
export interface MovedQuotes {
  fromAssetId: string;
  toAssetId: string;
  /** Only this source's quotes moved (split, re-key); null: all of them (merge). */
  source: string | null;
}

const HOUR = `(date_trunc('hour', q.observed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
const DAY_OF_HOUR = `(date_trunc('day', h.bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
const COLUMNS = `(bucket_interval, asset_id, source, bucket_start, open, high, low, close, volume, observations, open_at, close_at)`;

/**
 * One bucket from raw quotes `q` (open, high, low, close, volume, observations, open_at, close_at):
 * open/close by instant (unique per asset and source, so no ties); volume is the close's
 * volume_24h_usd. Shared with the 5m history read, so every interval means the same.
 */
export const RAW_BUCKET_AGG = `(array_agg(q.price_usd ORDER BY q.observed_at))[1], max(q.price_usd), min(q.price_usd),
       (array_agg(q.price_usd ORDER BY q.observed_at DESC))[1], (array_agg(q.volume_24h_usd ORDER BY q.observed_at DESC))[1],
       count(*)::int, min(q.observed_at), max(q.observed_at)`;

/** One day bucket from its hour rollups `h`: exact, since each hour is. */
const DAY_AGG = `(array_agg(h.open ORDER BY h.bucket_start))[1], max(h.high), min(h.low),
       (array_agg(h.close ORDER BY h.bucket_start DESC))[1], (array_agg(h.volume ORDER BY h.bucket_start DESC))[1],
       sum(h.observations)::int, min(h.open_at), max(h.close_at)`;

/** A recomputed bucket replaces the stored one; an unchanged one is not rewritten (re-read batches). */
const UPSERT = `ON CONFLICT (asset_id, bucket_interval, bucket_start, source) DO UPDATE SET
       open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume,
       observations = EXCLUDED.observations, open_at = EXCLUDED.open_at, close_at = EXCLUDED.close_at, updated_at = now()
     WHERE (quote_rollups.open, quote_rollups.high, quote_rollups.low, quote_rollups.close, quote_rollups.volume,
            quote_rollups.observations, quote_rollups.open_at, quote_rollups.close_at)
           IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume,
            EXCLUDED.observations, EXCLUDED.open_at, EXCLUDED.close_at)`;

/** One interval of the buckets a batch touched: their width and the query of one bucket's rows (`b` the bucket). */
interface TouchedBucketsRefresh {
  interval: '1h' | '1d';
  /** The `date_trunc` unit of a bucket. */
  unit: 'hour' | 'day';
  /** SELECT of one bucket's aggregate (open … close_at) for asset `b.asset_id`, source $1. */
  bucketAggregate: string;
}

/** Recomputes the buckets of one interval holding the batch's quotes ($1 source, $2 asset ids, $3 instants). */
function refreshTouchedSql({ interval, unit, bucketAggregate }: TouchedBucketsRefresh): string {
  return `WITH touched AS (
         SELECT DISTINCT t.asset_id, date_trunc('${unit}', t.observed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start
           FROM unnest($2::uuid[], $3::timestamptz[]) AS t(asset_id, observed_at))
       INSERT INTO quote_rollups ${COLUMNS}
       SELECT '${interval}', b.asset_id, $1, b.bucket_start, a.*
         FROM touched b CROSS JOIN LATERAL (${bucketAggregate}) a(open, high, low, close, volume, observations, open_at, close_at)
        WHERE a.observations > 0
       ${UPSERT}`;
}

const REFRESH_TOUCHED_HOURS = refreshTouchedSql({
  interval: '1h',
  unit: 'hour',
  bucketAggregate: `SELECT ${RAW_BUCKET_AGG} FROM market_quotes q
            WHERE q.asset_id = b.asset_id AND q.source = $1
              AND q.observed_at >= b.bucket_start AND q.observed_at < b.bucket_start + interval '1 hour'`,
});

const REFRESH_TOUCHED_DAYS = refreshTouchedSql({
  interval: '1d',
  unit: 'day',
  bucketAggregate: `SELECT ${DAY_AGG} FROM quote_rollups h
            WHERE h.asset_id = b.asset_id AND h.bucket_interval = '1h' AND h.source = $1
              AND h.bucket_start >= b.bucket_start AND h.bucket_start < b.bucket_start + interval '24 hours'`,
});

/**
 * All SQL of the 1h / 1d quote rollups. Hours are recomputed from market_quotes, days from their
 * hours, each bucket as a whole (never incremented): a corrected quote, a re-read batch or a batch
 * out of time order gives the same rows as a rebuild. Every statement reads only the rows of the
 * buckets it writes (the unique (asset_id, source, observed_at) index), so it works the same on a
 * plain or a time-partitioned market_quotes. `interval '24 hours'`, never '1 day': timestamptz
 * arithmetic in days follows the session time zone.
 */
@Injectable()
export class QuoteRollupsRepository {
  /**
   * A rebuild chunk waits for the batches writing quotes to commit, and holds new ones until it
   * commits: its recomputation then sees every quote, and a batch's own recomputation never
   * races it with an older snapshot. SHARE conflicts with the writers only, not with readers.
   */
  async lockQuotesAgainstWriters(manager: EntityManager): Promise<void> {
    await manager.query(`LOCK TABLE market_quotes IN SHARE MODE`);
  }

  /** The buckets (hour, then day) holding the batch's quotes, recomputed: two statements per batch. */
  async refreshBuckets(manager: EntityManager, t: TouchedQuotes): Promise<void> {
    if (t.assetIds.length === 0) return;
    const params = [t.source, t.assetIds, t.observedAt.map((d) => d.toISOString())];
    await manager.query(REFRESH_TOUCHED_HOURS, params);
    await manager.query(REFRESH_TOUCHED_DAYS, params);
  }

  /**
   * Rebuilds every bucket of [from, to) (both UTC midnights) that has raw quotes: hours from
   * market_quotes, then days from hours. Buckets without raw quotes are kept: retention may have
   * dropped their quotes, and the rollup is then the only record of them. Idempotent.
   */
  async rebuildRange(
    manager: EntityManager,
    range: { from: Date; to: Date },
  ): Promise<{ hours: number; days: number }> {
    const params = [range.from.toISOString(), range.to.toISOString()];
    // An INSERT answers its RETURNING rows: one per bucket written (unchanged ones are skipped).
    const hours = (await manager.query(
      `INSERT INTO quote_rollups ${COLUMNS}
       SELECT '1h', q.asset_id, q.source, ${HOUR}, ${RAW_BUCKET_AGG}
         FROM market_quotes q
        WHERE q.observed_at >= $1::timestamptz AND q.observed_at < $2::timestamptz
        GROUP BY q.asset_id, q.source, ${HOUR}
       ${UPSERT}
       RETURNING 1`,
      params,
    )) as unknown[];
    const days = (await manager.query(
      `INSERT INTO quote_rollups ${COLUMNS}
       SELECT '1d', h.asset_id, h.source, ${DAY_OF_HOUR}, ${DAY_AGG}
         FROM quote_rollups h
        WHERE h.bucket_interval = '1h' AND h.bucket_start >= $1::timestamptz AND h.bucket_start < $2::timestamptz
        GROUP BY h.asset_id, h.source, ${DAY_OF_HOUR}
       ${UPSERT}
       RETURNING 1`,
      params,
    )) as unknown[];
    return { hours: hours.length, days: days.length };
  }

  /** The span of the raw quotes (null when there are none): the default range of a rebuild. */
  async rawSpan(manager: EntityManager): Promise<{ from: Date; to: Date } | null> {
    const [row] = (await manager.query(
      `SELECT (SELECT observed_at FROM market_quotes ORDER BY observed_at LIMIT 1) AS first,
              (SELECT observed_at FROM market_quotes ORDER BY observed_at DESC LIMIT 1) AS last`,
    )) as Array<{ first: Date | null; last: Date | null }>;
    return row?.first && row.last ? { from: row.first, to: row.last } : null;
  }

  /**
   * After quotes moved between two assets (in the same transaction): both assets' hours are
   * recomputed from their raw quotes; an hour of the absorbed asset left without raw quotes
   * either moved (the survivor's hour now has them: recomputed) or lost its raw quotes to retention
   * (carried over to the survivor, combined with the survivor's own hour if it has one); then both
   * assets' days are derived again from their hours. Cost: the two assets' quotes (a rare
   * operator or identity action, not a batch).
   */
  async moveQuotes(manager: EntityManager, m: MovedQuotes): Promise<void> {
    const ids = [m.fromAssetId, m.toAssetId];
    await manager.query(
      `INSERT INTO quote_rollups ${COLUMNS}
       SELECT '1h', q.asset_id, q.source, ${HOUR}, ${RAW_BUCKET_AGG}
         FROM market_quotes q
        WHERE q.asset_id = ANY($1::uuid[]) AND ($2::text IS NULL OR q.source = $2)
        GROUP BY q.asset_id, q.source, ${HOUR}
       ${UPSERT}`,
      [ids, m.source],
    );
    await manager.query(
      `WITH orphan AS (
         DELETE FROM quote_rollups r
          WHERE r.asset_id = $1::uuid AND r.bucket_interval = '1h' AND ($3::text IS NULL OR r.source = $3)
            AND NOT EXISTS (SELECT 1 FROM market_quotes q WHERE q.asset_id = $1::uuid AND q.source = r.source
                               AND q.observed_at >= r.bucket_start AND q.observed_at < r.bucket_start + interval '1 hour')
         RETURNING r.*)
       INSERT INTO quote_rollups ${COLUMNS}
       SELECT '1h', $2::uuid, o.source, o.bucket_start, o.open, o.high, o.low, o.close, o.volume, o.observations, o.open_at, o.close_at
         FROM orphan o
        WHERE NOT EXISTS (SELECT 1 FROM market_quotes q WHERE q.asset_id = $2::uuid AND q.source = o.source
                             AND q.observed_at >= o.bucket_start AND q.observed_at < o.bucket_start + interval '1 hour')
       ON CONFLICT (asset_id, bucket_interval, bucket_start, source) DO UPDATE SET
         open = CASE WHEN EXCLUDED.open_at < quote_rollups.open_at THEN EXCLUDED.open ELSE quote_rollups.open END,
         high = greatest(quote_rollups.high, EXCLUDED.high), low = least(quote_rollups.low, EXCLUDED.low),
         close = CASE WHEN EXCLUDED.close_at > quote_rollups.close_at THEN EXCLUDED.close ELSE quote_rollups.close END,
         volume = CASE WHEN EXCLUDED.close_at > quote_rollups.close_at THEN EXCLUDED.volume ELSE quote_rollups.volume END,
         observations = quote_rollups.observations + EXCLUDED.observations,
         open_at = least(quote_rollups.open_at, EXCLUDED.open_at), close_at = greatest(quote_rollups.close_at, EXCLUDED.close_at),
         updated_at = now()`,
      [m.fromAssetId, m.toAssetId, m.source],
    );
    await manager.query(
      `DELETE FROM quote_rollups WHERE asset_id = ANY($1::uuid[]) AND bucket_interval = '1d' AND ($2::text IS NULL OR source = $2)`,
      [ids, m.source],
    );
    await manager.query(
      `INSERT INTO quote_rollups ${COLUMNS}
       SELECT '1d', h.asset_id, h.source, ${DAY_OF_HOUR}, ${DAY_AGG}
         FROM quote_rollups h
        WHERE h.asset_id = ANY($1::uuid[]) AND h.bucket_interval = '1h' AND ($2::text IS NULL OR h.source = $2)
        GROUP BY h.asset_id, h.source, ${DAY_OF_HOUR}`,
      [ids, m.source],
    );
  }
}
