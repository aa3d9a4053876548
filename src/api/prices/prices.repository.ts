import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../platform/database/prepared-statement.js';

/** An asset a /prices request resolved to, with what the request called it. */
export interface PricedAssetRow {
  /** The requested symbol (upper-cased) or asset id. */
  requested: string;
  id: string;
  symbol: string;
  name: string;
}

/** $1 text[] of upper-cased symbols. Exported for the API benchmark's baseline (same SQL). */
export const ASSETS_BY_SYMBOLS_SQL = `SELECT a.symbol AS requested, a.id::text AS id, a.symbol, a.name
     FROM assets a WHERE a.symbol = ANY($1::text[])
    ORDER BY array_position($1::text[], a.symbol), a.rank NULLS LAST, a.asset_key`;

@Injectable()
export class PricesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every asset with one of these symbols (a shared symbol gives each of them), best ranked first. */
  async assetsBySymbols(symbols: readonly string[]): Promise<PricedAssetRow[]> {
    return preparedQuery<PricedAssetRow>(this.dataSource, ASSETS_BY_SYMBOLS_SQL, [symbols]);
  }

  /** The assets with these ids; an id a merge absorbed answers its survivor (asset_redirects). */
  async assetsByIds(ids: readonly string[]): Promise<PricedAssetRow[]> {
    return preparedQuery<PricedAssetRow>(
      this.dataSource,
      `SELECT r.id::text AS requested, a.id::text AS id, a.symbol, a.name
         FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, ord)
         LEFT JOIN asset_redirects d ON d.from_asset_id = r.id
         JOIN assets a ON a.id = coalesce(d.to_asset_id, r.id)
        ORDER BY r.ord`,
      [ids],
    );
  }
}
