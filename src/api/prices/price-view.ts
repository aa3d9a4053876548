import type { LatestRow } from '../../catalog/latest-quotes.repository.js';
import type { ConsolidatedPrices } from '../assets/consolidated-view.js';
import type { PriceItemDto, SourcePriceDto } from './dto/prices.dto.js';

/** A source's latest quote as /prices and the price stream show it. */
export function toSourcePrices(latest: readonly LatestRow[]): SourcePriceDto[] {
  return latest.map(({ source, price_usd, observed_at, age_seconds, fresh }) => ({
    source,
    price_usd,
    observed_at,
    age_seconds,
    fresh,
  }));
}

export function toPriceItem(
  asset: { id: string; symbol: string; name: string },
  view: ConsolidatedPrices,
): PriceItemDto {
  return {
    asset: { id: asset.id, symbol: asset.symbol, name: asset.name },
    consensus_price_usd: view.consensus_price_usd,
    spread_pct: view.spread_pct,
    divergent: view.divergent,
    observed_at: view.freshest_at,
    sources: toSourcePrices(view.latest),
  };
}
