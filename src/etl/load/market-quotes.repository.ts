import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface QuoteRow {
  assetId: string;
  source: string;
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
  contentHash: string;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

@Injectable()
export class MarketQuotesRepository {
  /**
   * Upserts one batch on the natural key (asset, source, observed_at) in one statement. A row whose
   * content hash is unchanged is not rewritten; `xmax = 0` tells inserted rows from updated ones.
   * Callers pass unique keys.
   */
  async upsertQuotes(manager: EntityManager, runId: string, rows: QuoteRow[]): Promise<WriteCounts> {
    if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const [counts] = (await manager.query(
      `WITH written AS (
         INSERT INTO market_quotes AS q (asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd,
                volume_24h_usd, change_24h_pct, rank, circulating_supply, total_supply, max_supply, content_hash, run_id)
         SELECT t.*, $14::bigint
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::numeric[], $6::numeric[], $7::numeric[],
                       $8::numeric[], $9::int[], $10::numeric[], $11::numeric[], $12::numeric[], $13::text[])
             AS t(asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd, volume_24h_usd,
                  change_24h_pct, rank, circulating_supply, total_supply, max_supply, content_hash)
         ON CONFLICT (asset_id, source, observed_at) DO UPDATE
           SET source_asset_id = EXCLUDED.source_asset_id, price_usd = EXCLUDED.price_usd,
               market_cap_usd = EXCLUDED.market_cap_usd, volume_24h_usd = EXCLUDED.volume_24h_usd,
               change_24h_pct = EXCLUDED.change_24h_pct, rank = EXCLUDED.rank,
               circulating_supply = EXCLUDED.circulating_supply, total_supply = EXCLUDED.total_supply,
               max_supply = EXCLUDED.max_supply, content_hash = EXCLUDED.content_hash,
               run_id = EXCLUDED.run_id, updated_at = now()
           WHERE q.content_hash <> EXCLUDED.content_hash
         RETURNING (xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written`,
      [
        rows.map((r) => r.assetId),
        rows.map((r) => r.source),
        rows.map((r) => r.sourceAssetId),
        rows.map((r) => r.observedAt),
        rows.map((r) => r.priceUsd),
        rows.map((r) => r.marketCapUsd),
        rows.map((r) => r.volume24hUsd),
        rows.map((r) => r.change24hPct),
        rows.map((r) => r.rank),
        rows.map((r) => r.circulatingSupply),
        rows.map((r) => r.totalSupply),
        rows.map((r) => r.maxSupply),
        rows.map((r) => r.contentHash),
        runId,
      ],
    )) as Array<{ inserted: number; updated: number }>;
    return { inserted: counts.inserted, updated: counts.updated, unchanged: rows.length - counts.inserted - counts.updated };
  }
}
