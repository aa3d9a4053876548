import { rejected, type CanonicalQuote, type MapResult } from './canonical.types.js';
import { cleanDecimal } from './decimal.js';
import { parseTimestamp } from './timestamp.js';

/** Where a JSON API payload carries a quote's price and its `last_updated` instant. */
export interface PriceAndTimeFields {
  /** The price as received. */
  price: unknown;
  /** Its path in the payload, as a rejection names it (`current_price`, `quotes.USD.price`). */
  priceField: string;
  /** The `last_updated` value as received. */
  lastUpdated: unknown;
}

/**
 * A market payload's required price (a decimal, not negative) and its `last_updated` instant, or the
 * reject a mapper returns, naming the asset `id`. Pure.
 *
 * @example
 * ```ts
 * const priced = priceAndObservedAt(id, { price: p.current_price, priceField: 'current_price', lastUpdated: p.last_updated });
 * if (!priced.ok) return priced.rejection;
 * return mapped({ kind: 'market_quote', ...identity.asset, ...priced.quote, ... });
 * ```
 */
export function priceAndObservedAt(
  id: string,
  { price, priceField, lastUpdated }: PriceAndTimeFields,
): { ok: true; quote: Pick<CanonicalQuote, 'priceUsd' | 'observedAt'> } | { ok: false; rejection: MapResult } {
  const priceUsd = cleanDecimal(price);
  if (!priceUsd.ok || priceUsd.value === null) {
    return { ok: false, rejection: rejected(`${id}: ${priceField} ${priceUsd.ok ? 'missing' : priceUsd.reason}`) };
  }
  if (Number(priceUsd.value) < 0) return { ok: false, rejection: rejected(`${id}: negative price ${priceUsd.value}`) };
  const observedAt = parseTimestamp(lastUpdated);
  if (!observedAt) {
    return { ok: false, rejection: rejected(`${id}: last_updated "${String(lastUpdated)}" is not a timestamp`) };
  }
  return { ok: true, quote: { priceUsd: priceUsd.value, observedAt } };
}
