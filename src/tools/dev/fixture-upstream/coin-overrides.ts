import type { FixtureCoin } from './coins.js';
import type { RouteName } from './faults.js';

/** How one coin is served differently from the snapshot (until cleared). */
export interface CoinOverride {
  /** `last_updated` of this coin instead of the snapshot time (older: a cached or late coin). */
  lastUpdated?: Date;
  /** Multiplies the coin's price: a value change, with or without a new `last_updated`. */
  priceFactor?: number;
}

/**
 * Per-coin deviations from the snapshot the market routes serve, by symbol: what makes a global
 * `last_updated` watermark lose data (a coin older than the others, a value that changes under the
 * same timestamp). Tests set them in-process.
 */
export class CoinOverrides {
  private readonly bySymbol = new Map<string, CoinOverride>();

  set(symbol: string, override: CoinOverride): void {
    this.bySymbol.set(symbol, override);
  }

  clear(): void {
    this.bySymbol.clear();
  }

  /** The item as served, for a CoinPaprika ticker or a CoinGecko market of `coin`. */
  apply(route: RouteName, coin: FixtureCoin, item: Record<string, unknown>): Record<string, unknown> {
    const o = this.bySymbol.get(coin.symbol);
    if (!o) return item;
    const out: Record<string, unknown> = { ...item };
    if (o.lastUpdated) out.last_updated = o.lastUpdated.toISOString();
    if (o.priceFactor !== undefined) {
      if (route === 'coingecko' && typeof out.current_price === 'number') {
        out.current_price = out.current_price * o.priceFactor;
      }
      if (route === 'coinpaprika') {
        const quotes = out.quotes as { USD: Record<string, unknown> };
        const usd = quotes.USD;
        if (typeof usd.price === 'number') out.quotes = { USD: { ...usd, price: usd.price * o.priceFactor } };
      }
    }
    return out;
  }
}
