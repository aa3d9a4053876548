import {
  assetIdentity,
  cleanDecimal,
  cleanInteger,
  decimalOrNull,
  parseTimestamp,
  mapped,
  rejected,
  type MapResult,
} from '@kasparro/etl-plugin-sdk';

/** CoinGecko /coins/markets item -> quote. Symbols come lower case; supplies may be null. */
export function mapCoinGeckoMarket(p: Record<string, unknown>): MapResult {
  const identity = assetIdentity(p);
  if (!identity.ok) return identity.rejection;
  const { sourceAssetId: id, symbol } = identity.asset;
  const price = cleanDecimal(p.current_price);
  if (!price.ok || price.value === null) return rejected(`${id}: current_price ${price.ok ? 'missing' : price.reason}`);
  if (Number(price.value) < 0) return rejected(`${id}: negative price ${price.value}`);
  const observedAt = parseTimestamp(p.last_updated);
  if (!observedAt) return rejected(`${id}: last_updated "${String(p.last_updated)}" is not a timestamp`);
  const rank = cleanInteger(p.market_cap_rank);
  return mapped({
    kind: 'market_quote',
    ...identity.asset,
    rank: rank.ok ? rank.value : null,
    crosswalkKey: geckoCrosswalkKey(id, symbol),
    observedAt,
    priceUsd: price.value,
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
