import { exactMedianSql } from '../common/sql/exact-median.js';
import { isoTimestampSql } from '../common/sql/iso-timestamp.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../platform/database/prepared-statement.js';

/** One stored quote, as a batch wrote it (the fields latest_quotes keeps). */
export interface StoredQuote {
  assetId: string;
  sourceAssetId: string;
  observedAt: Date;
  priceUsd: string;
  marketCapUsd: string | null;
  volume24hUsd: string | null;
}

/** One source's latest quote of one asset, judged against the as-of instant. */
export interface LatestRow {
  source: string;
  price_usd: string;
  market_cap_usd: string | null;
  volume_24h_usd: string | null;
  /** ISO-8601 UTC. */
  observed_at: string;
  /** Whole seconds from observed_at to the view's as-of instant; negative when dated in the future. */
  age_seconds: number;
  /** Within the freshness budget of the as-of instant (either side): counted in the consensus. */
  fresh: boolean;
}

export interface ConsensusQuery {
  assetIds: readonly string[];
  /** The instant freshness is judged against (the request's now). */
  asOf: Date;
  freshnessSeconds: number;
  /** Spread (percent of the median) above which the fresh prices count as divergent. */
  divergencePct: number;
}

/** One asset's latest quotes and the consensus of the fresh ones. */
export interface ConsensusRows {
  latest: LatestRow[];
  /** Exact median of the fresh prices (numeric), null when no source is fresh. */
  median: string | null;
  /** (max - min) / median x 100 of the fresh prices, 4 decimals, as decimal text. */
  spread_pct: string | null;
  divergent: boolean;
}

/**
 * Each source's latest quote of the assets in $1 (uuid[]), read from latest_quotes (one index probe
 * per asset: the cost does not depend on the history), its age and fresh flag against $3 (the as-of
 * instant) and $2 (freshness budget in seconds), and per asset the consensus of the fresh prices with
 * $4 (divergence threshold, percent). Exported for the API benchmark's baseline (same SQL).
 *
 * Everything is `numeric`, never float8: the median is exact (the middle element of the sorted
 * prices, or the mean of the two middle ones: `* 0.5` is exact where `/ 2` rounds to 16 digits), and
 * divergence compares `(max - min) * 100 > threshold * median` without dividing. spread_pct is
 * rounded to 4 decimals and, like the prices, handed out as decimal text (no float8 on the way:
 * a price of hundreds of digits cannot overflow it).
 */
export const LATEST_CONSENSUS_SQL = `WITH marked AS (
     -- Judged against now, not against the newest quote: a quote dated in the future neither
     -- makes the real sources stale nor counts itself beyond one budget ahead (clock skew).
     SELECT l.asset_id, l.source, l.price_usd, l.market_cap_usd, l.volume_24h_usd, l.observed_at,
            extract(epoch FROM $3::timestamptz - l.observed_at) AS age,
            l.observed_at BETWEEN $3::timestamptz - make_interval(secs => $2)
                              AND $3::timestamptz + make_interval(secs => $2) AS fresh
       FROM latest_quotes l WHERE l.asset_id = ANY($1::uuid[])
   ), fresh_prices AS (
     SELECT asset_id, array_agg(price_usd ORDER BY price_usd) AS p, count(*)::int AS n FROM marked WHERE fresh GROUP BY asset_id
   ), consensus AS (
     SELECT asset_id, ${exactMedianSql('p', 'n')} AS median,
            p[n] - p[1] AS price_range
       FROM fresh_prices
   )
   SELECT m.asset_id::text AS asset_id, m.source, m.price_usd::text AS price_usd, m.market_cap_usd::text AS market_cap_usd,
          m.volume_24h_usd::text AS volume_24h_usd,
          ${isoTimestampSql('m.observed_at')} AS observed_at,
          floor(m.age)::float8 AS age_seconds, m.fresh, c.median::text AS median,
          CASE WHEN c.median > 0 THEN round(c.price_range * 100 / c.median, 4)::text END AS spread_pct,
          coalesce(c.median > 0 AND c.price_range * 100 > $4::numeric * c.median, false) AS divergent
     FROM marked m LEFT JOIN consensus c ON c.asset_id = m.asset_id ORDER BY m.asset_id, m.source`;

/** Parameters of LATEST_CONSENSUS_SQL, in order. */
export function latestConsensusParams(q: ConsensusQuery): unknown[] {
  return [q.assetIds, q.freshnessSeconds, q.asOf.toISOString(), String(q.divergencePct)];
}

type ConsensusSqlRow = LatestRow & {
  asset_id: string;
  median: string | null;
  spread_pct: string | null;
  divergent: boolean;
};

/** The columns latest_quotes copies from market_quotes. */
const LATEST_COLUMNS = 'asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd, volume_24h_usd';

/**
 * Writes latest_quotes: called by every write that changes which quote is an asset-source's newest
 * (a batch's quotes, identity changes that move quotes between assets), in the writer's transaction.
 * Stateless (it only uses the caller's manager).
 */
@Injectable()
export class LatestQuotesWriter {
  /**
   * One set-based upsert per batch: the batch's newest quote per asset wins when it is not older
   * than the stored one (equal: an in-place correction of the latest instant replaces it).
   */
  async upsertWritten(manager: EntityManager, source: string, quotes: readonly StoredQuote[]): Promise<void> {
    if (quotes.length === 0) return;
    await manager.query(
      `INSERT INTO latest_quotes AS l (${LATEST_COLUMNS})
       SELECT DISTINCT ON (t.asset_id) t.asset_id, $1, t.source_asset_id, t.observed_at, t.price_usd, t.market_cap_usd, t.volume_24h_usd
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::numeric[], $6::numeric[], $7::numeric[])
              AS t(asset_id, source_asset_id, observed_at, price_usd, market_cap_usd, volume_24h_usd)
        ORDER BY t.asset_id, t.observed_at DESC
       ON CONFLICT (asset_id, source) DO UPDATE
          SET source_asset_id = EXCLUDED.source_asset_id, observed_at = EXCLUDED.observed_at, price_usd = EXCLUDED.price_usd,
              market_cap_usd = EXCLUDED.market_cap_usd, volume_24h_usd = EXCLUDED.volume_24h_usd, updated_at = now()
        WHERE EXCLUDED.observed_at >= l.observed_at`,
      [
        source,
        quotes.map((q) => q.assetId),
        quotes.map((q) => q.sourceAssetId),
        quotes.map((q) => q.observedAt.toISOString()),
        quotes.map((q) => q.priceUsd),
        quotes.map((q) => q.marketCapUsd),
        quotes.map((q) => q.volume24hUsd),
      ],
    );
  }

  /**
   * Rebuilds the rows of these assets from market_quotes, after an identity change moved quotes
   * between them (merge, split, re-key). Per asset, one probe per source of the unique
   * (asset_id, source, observed_at) index.
   */
  async recomputeForAssets(manager: EntityManager, assetIds: readonly string[]): Promise<void> {
    const ids = [...new Set(assetIds)];
    if (ids.length === 0) return;
    await manager.query(`DELETE FROM latest_quotes WHERE asset_id = ANY($1::uuid[])`, [ids]);
    await manager.query(
      `WITH RECURSIVE pairs AS (
         SELECT f.asset_id, f.source FROM unnest($1::uuid[]) AS a(id) CROSS JOIN LATERAL (
           SELECT q.asset_id, q.source FROM market_quotes q WHERE q.asset_id = a.id ORDER BY q.source LIMIT 1) f
         UNION ALL
         SELECT n.asset_id, n.source FROM pairs p CROSS JOIN LATERAL (
           SELECT q.asset_id, q.source FROM market_quotes q WHERE q.asset_id = p.asset_id AND q.source > p.source
            ORDER BY q.source LIMIT 1) n
       )
       INSERT INTO latest_quotes (${LATEST_COLUMNS})
       SELECT l.* FROM pairs p CROSS JOIN LATERAL (
         SELECT ${LATEST_COLUMNS} FROM market_quotes q WHERE q.asset_id = p.asset_id AND q.source = p.source
          ORDER BY q.observed_at DESC LIMIT 1) l`,
      [ids],
    );
  }
}

/** Reads latest_quotes: the latest quotes and consensus of assets. */
@Injectable()
export class LatestQuotesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The latest quotes and consensus of each asset (an asset without quotes is absent from the map). */
  async consensus(q: ConsensusQuery, manager?: EntityManager): Promise<Map<string, ConsensusRows>> {
    const result = new Map<string, ConsensusRows>();
    if (q.assetIds.length === 0) return result;
    // Inside a transaction the manager's connection answers; API reads use the pool's prepared statement.
    const rows = manager
      ? ((await manager.query(LATEST_CONSENSUS_SQL, latestConsensusParams(q))) as ConsensusSqlRow[])
      : await preparedQuery<ConsensusSqlRow>(this.dataSource, LATEST_CONSENSUS_SQL, latestConsensusParams(q));
    for (const { asset_id, median, spread_pct, divergent, ...latest } of rows) {
      let entry = result.get(asset_id);
      if (!entry) result.set(asset_id, (entry = { latest: [], median, spread_pct, divergent }));
      entry.latest.push(latest);
    }
    return result;
  }
}
