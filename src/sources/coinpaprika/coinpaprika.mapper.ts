import {
  assetIdentity,
  cleanInteger,
  decimalOrNull,
  mapped,
  priceAndObservedAt,
  rejected,
  type MapResult,
} from '@kasparro/etl-plugin-sdk';

/** CoinPaprika ticker -> quote. Prices are under `quotes.USD`; `max_supply: 0` means uncapped. */
export function mapCoinPaprikaTicker(p: Record<string, unknown>): MapResult {
  const identity = assetIdentity(p);
  if (!identity.ok) return identity.rejection;
  const { sourceAssetId: id, symbol } = identity.asset;
  const usd = (p.quotes as { USD?: Record<string, unknown> } | undefined)?.USD;
  if (!usd) return rejected(`${id}: quotes.USD missing`);
  const priced = priceAndObservedAt(id, {
    price: usd.price,
    priceField: 'quotes.USD.price',
    lastUpdated: p.last_updated,
  });
  if (!priced.ok) return priced.rejection;
  const rank = cleanInteger(p.rank);
  const maxSupply = decimalOrNull(p.max_supply);
  return mapped({
    kind: 'market_quote',
    ...identity.asset,
    rank: rank.ok && rank.value !== null && rank.value > 0 ? rank.value : null,
    crosswalkKey: paprikaCrosswalkKey(id, symbol),
    ...priced.quote,
    marketCapUsd: decimalOrNull(usd.market_cap),
    volume24hUsd: decimalOrNull(usd.volume_24h),
    change24hPct: decimalOrNull(usd.percent_change_24h),
    circulatingSupply: decimalOrNull(p.circulating_supply),
    totalSupply: decimalOrNull(p.total_supply),
    // Compared by value: the received text may be `0`, `0.0` or `0e0`.
    maxSupply: maxSupply !== null && Number(maxSupply) === 0 ? null : maxSupply,
  });
}

/**
 * CoinPaprika ids are `<symbol>-<name slug>` (`bnb-binance-coin`): the slug with the symbol is the key
 * CoinGecko's slug ids give. Ids that do not start with the symbol (a renamed ticker) or that end in
 * a numeric disambiguation suffix get no key.
 */
export function paprikaCrosswalkKey(id: string, symbol: string): string | undefined {
  const sym = symbol.toLowerCase();
  const lower = id.toLowerCase();
  if (!lower.startsWith(`${sym}-`)) return undefined;
  const rest = lower.slice(sym.length + 1);
  if (/(^|-)\d+$/.test(rest)) return undefined;
  const slug = rest.replace(/[^a-z0-9]/g, '');
  return slug ? `${sym}:${slug}` : undefined;
}
