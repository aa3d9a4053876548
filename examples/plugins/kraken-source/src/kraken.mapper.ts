import { cleanDecimal, mapped, parseTimestamp, rejected, type MapResult } from '@kasparro/etl-plugin-sdk';
import { decimalProduct } from './decimal-product.js';
import { assetName, usdBaseSymbol } from './kraken.symbols.js';

/** One raw record: a pair's ticker as Kraken sent it, and when this run read it. */
export interface KrakenTickerPayload {
  pair: string;
  /** Kraken's ticker object (`a`, `b`, `c`, `v`, `p`, `t`, `l`, `h`, `o`). */
  ticker: Record<string, unknown>;
  /** The ticker carries no timestamp: the instant the run read it (its start, ISO-8601). */
  observed_at: string;
}

/**
 * Maps one pair to a canonical quote: `c[0]` (last trade) is the price; the 24h USD volume is the
 * 24h base volume `v[1]` times the 24h volume-weighted price `p[1]`, computed exactly. Kraken's
 * `o` is today's opening price (since 00:00 UTC), not the price 24 hours ago, so no 24h change is
 * derived from it. Pure: no I/O, no clock.
 */
export function mapKrakenTicker(payload: KrakenTickerPayload): MapResult {
  const symbol = usdBaseSymbol(payload.pair);
  if (symbol === null) return rejected(`pair ${payload.pair}: not quoted in USD`);
  const observedAt = parseTimestamp(payload.observed_at);
  if (observedAt === null) {
    return rejected(`pair ${payload.pair}: unreadable observed_at "${String(payload.observed_at)}"`);
  }
  const price = cleanDecimal(at(payload.ticker.c, 0));
  if (!price.ok || price.value === null) {
    return rejected(`pair ${payload.pair}: last trade price c[0] ${price.ok ? 'missing' : price.reason}`);
  }
  const volume = cleanDecimal(at(payload.ticker.v, 1));
  const vwap = cleanDecimal(at(payload.ticker.p, 1));
  const volumeUsd =
    volume.ok &&
    vwap.ok &&
    volume.value !== null &&
    vwap.value !== null &&
    !volume.value.startsWith('-') &&
    !vwap.value.startsWith('-')
      ? decimalProduct(volume.value, vwap.value)
      : null;
  return mapped({
    kind: 'market_quote',
    sourceAssetId: payload.pair,
    symbol,
    name: assetName(symbol),
    rank: null,
    observedAt,
    priceUsd: price.value,
    marketCapUsd: null,
    volume24hUsd: volumeUsd,
    change24hPct: null,
    circulatingSupply: null,
    totalSupply: null,
    maxSupply: null,
  });
}

function at(value: unknown, index: number): unknown {
  return Array.isArray(value) ? value[index] : undefined;
}
