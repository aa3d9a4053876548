import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { copyLine, copyRows, tryCopyInto, type CopyFirstPolicy, type CopyText } from './copy-rows.js';
import { FIGURE_COLUMNS, quoteFigures } from './quote-figures.js';

const QUOTE_COLUMNS = [
  'asset_id',
  'source',
  'source_asset_id',
  'observed_at',
  ...FIGURE_COLUMNS,
  'content_hash',
  'run_id',
];

/** The values a quote stores (a canonical quote has them all). */
export interface QuoteValues {
  sourceAssetId: string;
  observedAt: Date;
  priceUsd: string;
  marketCapUsd: string | null;
  volume24hUsd: string | null;
  change24hPct: string | null;
  rank: number | null;
  circulatingSupply: string | null;
  totalSupply: string | null;
  maxSupply: string | null;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows whose key this run had already written (an earlier batch or row): the later one wins. */
  duplicate: number;
}

/** A quote as one COPY line stores it: its values, its asset and source, its content hash and run. */
export interface QuoteLine {
  assetId: string;
  source: string;
  quote: QuoteValues;
  contentHash: string;
  runId: string;
}

/** One quote's COPY line, in QUOTE_COLUMNS order. */
export function quoteCopyLine({ assetId, source, quote: q, contentHash, runId }: QuoteLine): string {
  return copyLine([assetId, source, q.sourceAssetId, q.observedAt, ...quoteFigures(q), contentHash, runId]);
}

const CREATE_QUOTE_STAGE = `CREATE TEMP TABLE quote_stage (asset_id uuid, source text, source_asset_id text, observed_at timestamptz, price_usd numeric,
  market_cap_usd numeric, volume_24h_usd numeric, change_24h_pct numeric, rank int, circulating_supply numeric, total_supply numeric,
  max_supply numeric, content_hash text, run_id bigint) ON COMMIT DROP`;

@Injectable()
export class MarketQuotesRepository {
  /**
   * Upserts one batch on the natural key (asset, source, observed_at). When the policy allows, the
   * batch is first copied straight into the table (every row new: all inserted). Otherwise, or when
   * a key already exists, COPY into a staging table, then one INSERT … SELECT … ON CONFLICT. A row
   * whose content hash is unchanged is filtered out before the insert (no new version, no row lock);
   * A row ingested by this very transaction (`ingested_at = now()`, the column's default) was
   * inserted; any other was updated (`xmax = 0`, the usual test, cannot be read from a partitioned
   * table; a batch writes each key once, and another transaction's now() is another instant). A row whose key an earlier batch of the same run
   * wrote (`run_id` is this run's) is a `duplicate`: it still wins (last occurrence, as within a
   * batch), but is counted apart, since the earlier row's values are gone. Callers pass unique keys.
   */
  async upsertQuotes(manager: EntityManager, data: CopyText, policy?: CopyFirstPolicy): Promise<WriteCounts> {
    if (data.rows === 0) return { inserted: 0, updated: 0, unchanged: 0, duplicate: 0 };
    if (policy?.shouldTry()) {
      const copied = await tryCopyInto(manager, { table: 'market_quotes', columns: QUOTE_COLUMNS, data });
      policy.record(copied);
      if (copied) return { inserted: data.rows, updated: 0, unchanged: 0, duplicate: 0 };
    }
    // The staging table is created in the COPY's own message (one round trip fewer).
    await copyRows(manager, { table: 'quote_stage', columns: QUOTE_COLUMNS, data, before: CREATE_QUOTE_STAGE });
    // `seen` reads the table as it was before this statement (one snapshot for every part of a WITH).
    const [counts] = (await manager.query(
      `WITH seen AS (
         SELECT s.asset_id, s.source, s.observed_at FROM quote_stage s
           JOIN market_quotes q ON q.asset_id = s.asset_id AND q.source = s.source AND q.observed_at = s.observed_at
                               AND q.run_id = s.run_id
       ), written AS (
         INSERT INTO market_quotes AS q (${QUOTE_COLUMNS.join(', ')})
         SELECT ${QUOTE_COLUMNS.map((c) => `s.${c}`).join(', ')} FROM quote_stage s
         -- A stored row with the same key and content is not touched at all (not even row-locked
         -- by ON CONFLICT): re-reading an unchanged snapshot writes nothing.
         WHERE NOT EXISTS (SELECT 1 FROM market_quotes o WHERE o.asset_id = s.asset_id AND o.source = s.source
                             AND o.observed_at = s.observed_at AND o.content_hash = s.content_hash)
         ON CONFLICT (asset_id, source, observed_at) DO UPDATE
           SET source_asset_id = EXCLUDED.source_asset_id, price_usd = EXCLUDED.price_usd,
               market_cap_usd = EXCLUDED.market_cap_usd, volume_24h_usd = EXCLUDED.volume_24h_usd,
               change_24h_pct = EXCLUDED.change_24h_pct, rank = EXCLUDED.rank,
               circulating_supply = EXCLUDED.circulating_supply, total_supply = EXCLUDED.total_supply,
               max_supply = EXCLUDED.max_supply, content_hash = EXCLUDED.content_hash,
               run_id = EXCLUDED.run_id, updated_at = now()
           WHERE q.content_hash <> EXCLUDED.content_hash
         RETURNING asset_id, source, observed_at, (q.ingested_at = now()) AS inserted
       )
       SELECT count(*) FILTER (WHERE w.inserted)::bigint AS inserted,
              count(*) FILTER (WHERE NOT w.inserted AND d.asset_id IS NULL)::bigint AS updated,
              (SELECT count(*) FROM seen)::bigint AS duplicate
         FROM written w LEFT JOIN seen d USING (asset_id, source, observed_at)`,
    )) as Array<{ inserted: string; updated: string; duplicate: string }>;
    const [inserted, updated, duplicate] = [Number(counts.inserted), Number(counts.updated), Number(counts.duplicate)];
    return { inserted, updated, duplicate, unchanged: data.rows - inserted - updated - duplicate };
  }
}
