import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CountCache } from '../../common/sql/count-cache.js';
import { isoTimestampSql } from '../../common/sql/iso-timestamp.js';
import { boundedTotal, type ListTotal } from '../../common/sql/list-total.js';
import { WhereBuilder } from '../../common/sql/where-builder.js';
import type { DataSort } from './dto/get-data-query.dto.js';
import { preparedQuery } from '../../platform/database/prepared-statement.js';

export interface QuoteFilters {
  source?: string;
  symbol?: string;
  assetId?: string;
  from?: Date;
  to?: Date;
  minPrice?: string;
  maxPrice?: string;
}

/** One keyset page of /data: the filters, the order, and where the page starts. */
export interface QuotesPageQuery {
  filters: QuoteFilters;
  sort: DataSort;
  limit: number;
  /** The (sort key, id) of the last row of the previous page. */
  after?: [string, string];
  offset?: number;
}

export interface QuoteRow {
  id: string;
  cursor_at: string;
  asset_id: string;
  symbol: string;
  name: string;
  source: string;
  source_asset_id: string;
  /** ISO-8601 UTC with milliseconds, formatted by PostgreSQL (no Date round trip per row). */
  observed_at: string;
  price_usd: string;
  market_cap_usd: string | null;
  volume_24h_usd: string | null;
  change_24h_pct: string | null;
  rank: number | null;
  circulating_supply: string | null;
  total_supply: string | null;
  max_supply: string | null;
  ingested_at: string;
  provenance: 'incremental' | 'backfill';
}

/** The columns of a /data row (exported for the API benchmark's baseline: same SQL). */
export const QUOTE_COLUMNS = `q.id::text AS id, ${isoTimestampSql('q.observed_at', 'us')} AS cursor_at,
  q.asset_id, a.symbol, a.name, q.source, q.source_asset_id, ${isoTimestampSql('q.observed_at')} AS observed_at,
  q.price_usd::text AS price_usd, q.market_cap_usd::text AS market_cap_usd, q.volume_24h_usd::text AS volume_24h_usd,
  q.change_24h_pct::text AS change_24h_pct, q.rank, q.circulating_supply::text AS circulating_supply,
  q.total_supply::text AS total_supply, q.max_supply::text AS max_supply, ${isoTimestampSql('q.ingested_at')} AS ingested_at, q.provenance`;

const SORTS: Record<DataSort, { column: string; dir: 'ASC' | 'DESC'; cast: string }> = {
  'observed_at:desc': { column: 'q.observed_at', dir: 'DESC', cast: 'timestamptz' },
  'observed_at:asc': { column: 'q.observed_at', dir: 'ASC', cast: 'timestamptz' },
  'price:desc': { column: 'q.price_usd', dir: 'DESC', cast: 'numeric' },
  'price:asc': { column: 'q.price_usd', dir: 'ASC', cast: 'numeric' },
};

@Injectable()
export class MarketDataRepository {
  private readonly counts = new CountCache<ListTotal>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private where(f: QuoteFilters): WhereBuilder {
    return new WhereBuilder()
      .addIf(f.source, 'q.source = ?')
      .addIf(f.symbol, 'q.asset_id IN (SELECT id FROM assets WHERE symbol = upper(?))')
      .addIf(f.assetId, 'q.asset_id = ?::uuid')
      .addIf(f.from, 'q.observed_at >= ?')
      .addIf(f.to, 'q.observed_at < ?')
      .addIf(f.minPrice, 'q.price_usd >= ?::numeric')
      .addIf(f.maxPrice, 'q.price_usd <= ?::numeric');
  }

  /**
   * One keyset page: `(sort key, id)` strictly after the cursor, so pages never overlap or skip
   * rows, and the cost is the same at any depth (an index range scan on (sort key, id)).
   */
  async findQuotesPage({ filters, sort, limit, after, offset }: QuotesPageQuery): Promise<QuoteRow[]> {
    const s = SORTS[sort];
    const where = this.where(filters);
    if (after) {
      const op = s.dir === 'DESC' ? '<' : '>';
      where.add(`(${s.column}, q.id) ${op} (?::${s.cast}, ?::bigint)`, after[0], after[1]);
    }
    const sql = `SELECT ${QUOTE_COLUMNS}
         FROM market_quotes q JOIN assets a ON a.id = q.asset_id
         ${where.toSql()}
        ORDER BY ${s.column} ${s.dir}, q.id ${s.dir}
        LIMIT ${where.param(limit)}${offset ? ` OFFSET ${where.param(offset)}` : ''}`;
    return preparedQuery<QuoteRow>(this.dataSource, sql, where.params);
  }

  /**
   * The total of a filtered list, bounded in cost (exact up to EXACT_TOTAL_LIMIT rows, the planner's
   * estimate above); identical filters share one for a few seconds. Per-source totals are not
   * counted here: the service reads them from the counters.
   */
  countQuotes(f: QuoteFilters): Promise<ListTotal> {
    const where = this.where(f);
    return this.counts.get(JSON.stringify(f), () => boundedTotal(this.dataSource, { from: 'market_quotes q', where }));
  }
}
