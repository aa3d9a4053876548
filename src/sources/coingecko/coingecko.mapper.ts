import {
  assetIdentity,
  cleanInteger,
  decimalOrNull,
  mapped,
  priceAndObservedAt,
  type MapResult,
} from '@kasparro/etl-plugin-sdk';

/** CoinGecko /coins/markets item -> quote. Symbols come lower case; supplies may be null. */
export function mapCoinGeckoMarket(p: Record<string, unknown>): MapResult {
  const identity = assetIdentity(p);
  if (!identity.ok) return identity.rejection;
  const { sourceAssetId: id, symbol } = identity.asset;
  const priced = priceAndObservedAt(id, {
    price: p.current_price,
    priceField: 'current_price',
    lastUpdated: p.last_updated,
  });
  if (!priced.ok) return priced.rejection;
  const rank = cleanInteger(p.market_cap_rank);
  return mapped({
    kind: 'market_quote',
    ...identity.asset,
    rank: rank.ok ? rank.value : null,
    crosswalkKey: geckoCrosswalkKey(id, symbol),
    ...priced.quote,
    marketCapUsd: decimalOrNull(p.market_cap),
    volume24hUsd: decimalOrNull(p.total_volume),
    change24hPct: decimalOrNull(p.price_change_percentage_24h),
    circulatingSupply: decimalOrNull(p.circulating_supply),
    totalSupply: decimalOrNull(p.total_supply),
    maxSupply: decimalOrNull(p.max_supply),
  });
}

/**
 * CoinGecko ids are the coin's name slug (`binancecoin`, `shiba-inu`): with the symbol they give the
 * key CoinPaprika's `<symbol>-<slug>` ids give. A numeric suffix (`avalanche-2`, `foo-2`) is CoinGecko
 * telling two coins apart, not a spelling: such ids get no key, so `foo-2` can never crosswalk to `foo`.
 */
export function geckoCrosswalkKey(id: string, symbol: string): string | undefined {
  if (/-\d+$/.test(id)) return undefined;
  const slug = id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return slug ? `${symbol.toLowerCase()}:${slug}` : undefined;
}
