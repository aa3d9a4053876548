import { Injectable } from '@nestjs/common';
import type { Page } from '../../common/http/envelope.js';
import { decodeCursor } from '../../common/http/keyset-cursor.js';
import { toKeysetPage } from '../../common/http/keyset-page.js';
import { parseLimit } from '../../common/http/query-params.js';
import { exactTotal, type ListTotal } from '../../common/sql/list-total.js';
import { SourceCountersRepository } from '../../catalog/counters/source-counters.repository.js';
import { InvalidInputException, type FieldError } from '../../common/http/validation.js';
import type { GetDataQueryDto } from './dto/get-data-query.dto.js';
import type { MarketQuoteDto } from './dto/market-quote.dto.js';
import { MarketDataRepository, type QuoteFilters, type QuoteRow } from './market-data.repository.js';

@Injectable()
export class DataService {
  constructor(
    private readonly repository: MarketDataRepository,
    private readonly counters: SourceCountersRepository,
  ) {}

  async listQuotes(query: GetDataQueryDto): Promise<Page<MarketQuoteDto>> {
    const problems: FieldError[] = [];
    if (query.cursor && query.offset !== undefined) {
      problems.push({ field: 'offset', message: 'offset cannot be combined with cursor' });
    }
    if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
      problems.push(
        { field: 'from', message: 'from must not be after to' },
        { field: 'to', message: 'to must not be before from' },
      );
    }
    if (query.min_price && query.max_price && Number(query.min_price) > Number(query.max_price)) {
      problems.push({ field: 'min_price', message: 'min_price must not exceed max_price' });
    }
    if (problems.length > 0) throw new InvalidInputException(problems);

    const sort = query.sort ?? 'observed_at:desc';
    const limit = parseLimit(query.limit);
    const after = query.cursor
      ? (decodeCursor(query.cursor, sort, [sort.startsWith('price') ? 'decimal' : 'timestamp', 'bigint']) as [
          string,
          string,
        ])
      : undefined;
    const filters: QuoteFilters = {
      source: query.source,
      symbol: query.symbol,
      assetId: query.asset_id,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      minPrice: query.min_price,
      maxPrice: query.max_price,
    };
    const [rows, total] = await Promise.all([
      this.repository.findQuotesPage({ filters, sort, limit: limit + 1, after, offset: query.offset }),
      this.total(filters),
    ]);
    const sortKey = (r: QuoteRow) => (sort.startsWith('price') ? r.price_usd : r.cursor_at);
    return toKeysetPage({ rows, limit, sort, keyOf: (r) => [sortKey(r), r.id], map: toDto, total });
  }

  /** Per source only (or unfiltered): the counters, exact and O(sources); otherwise a bounded count. */
  private async total(f: QuoteFilters): Promise<ListTotal> {
    const { source, ...others } = f;
    if (Object.values(others).every((v) => v === undefined)) {
      return exactTotal(await this.counters.total('market_quotes', source));
    }
    return this.repository.countQuotes(f);
  }
}

function toDto(r: QuoteRow): MarketQuoteDto {
  return {
    id: r.id,
    asset: { id: r.asset_id, symbol: r.symbol, name: r.name },
    source: r.source,
    source_asset_id: r.source_asset_id,
    observed_at: r.observed_at,
    price_usd: r.price_usd,
    market_cap_usd: r.market_cap_usd,
    volume_24h_usd: r.volume_24h_usd,
    change_24h_pct: r.change_24h_pct,
    rank: r.rank,
    circulating_supply: r.circulating_supply,
    total_supply: r.total_supply,
    max_supply: r.max_supply,
    ingested_at: r.ingested_at,
    provenance: r.provenance,
  };
}
