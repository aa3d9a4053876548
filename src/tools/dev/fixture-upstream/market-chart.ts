import type { FixtureCoin } from './coins.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** CoinGecko's rule: hourly points for ranges up to 90 days, daily points beyond. */
export const HOURLY_RANGE_LIMIT_MS = 90 * DAY_MS;

/**
 * CoinGecko `GET /coins/{id}/market_chart/range?vs_currency=usd&from=&to=` (unix seconds): every
 * point in [from, to], hourly on the hour for ranges up to 90 days, daily at 00:00 UTC beyond.
 * Deterministic: a point's values depend only on the coin and its instant.
 */
export function geckoMarketChartRange(
  coin: FixtureCoin,
  fromSeconds: number,
  toSeconds: number,
): Record<string, Array<[number, number]>> {
  const from = fromSeconds * 1000;
  const to = toSeconds * 1000;
  const step = to - from <= HOURLY_RANGE_LIMIT_MS ? HOUR_MS : DAY_MS;
  const prices: Array<[number, number]> = [];
  const marketCaps: Array<[number, number]> = [];
  const volumes: Array<[number, number]> = [];
  const supply = Math.round(1e9 / Math.max(coin.rank, 1));
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    // A slow deterministic wave around the coin's price (±2 %).
    const price = Number((coin.price * (1 + 0.02 * Math.sin(t / (7 * HOUR_MS)))).toPrecision(10));
    prices.push([t, price]);
    marketCaps.push([t, Math.round(price * supply)]);
    volumes.push([t, Math.round(price * supply * 0.031)]);
  }
  return { prices, market_caps: marketCaps, total_volumes: volumes };
}
