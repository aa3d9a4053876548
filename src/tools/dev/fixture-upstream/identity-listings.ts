import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One coin as one provider lists it, with the market data the fixture serves for it. */
export interface ListingCoin {
  id: string;
  symbol: string;
  name: string;
  rank: number | null;
  price: number;
  marketCap: number;
}

/** Separate coin lists per provider (real listings differ per provider, unlike `fixtureCoins`). */
export interface ProviderListings {
  coingecko: ListingCoin[];
  coinpaprika: ListingCoin[];
}

export interface TruePair {
  coingeckoId: string;
  coinpaprikaId: string;
  /** CoinPaprika lists the coin as inactive (not in /v1/tickers): out of scope. */
  inactive: boolean;
}

export interface IdentityTruth {
  coingecko: Array<{ id: string; symbol: string; name: string }>;
  coinpaprika: Array<{ id: string; symbol: string; name: string; rank: number }>;
  pairs: TruePair[];
}

/** Reads `identity-truth/` (see its README): both providers' id lists and the true pairs. */
export function loadIdentityTruth(dir: string): IdentityTruth {
  const read = (file: string) =>
    parse(readFileSync(path.join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<
      Record<string, string>
    >;
  const paprika = read('coinpaprika-list.csv').map((r) => ({
    id: r.id,
    symbol: r.symbol,
    name: r.name,
    rank: Number(r.rank),
  }));
  const rankOf = new Map(paprika.map((p) => [p.id, p.rank]));
  return {
    coingecko: read('coingecko-list.csv').map((r) => ({ id: r.id, symbol: r.symbol, name: r.name })),
    coinpaprika: paprika,
    pairs: read('truth-dev.csv').map((r) => ({
      coingeckoId: r.coingecko_id,
      coinpaprikaId: r.coinpaprika_id,
      inactive: (rankOf.get(r.coinpaprika_id) ?? 0) === 0,
    })),
  };
}

/**
 * The universe the issue describes: every coin of either list sharing a symbol with a true pair,
 * plus the pairs. CoinPaprika serves only active coins (as /v1/tickers does). A true pair's two
 * listings carry consistent market data (prices within 0.3 %, caps within 5 %, ranks within 3 %),
 * as the real APIs do; every other coin gets independent values. Deterministic for a seed.
 */
export function buildIdentityListings(truth: IdentityTruth, seed = 1): ProviderListings {
  const rnd = mulberry32(seed);
  const logUniform = (lo: number, hi: number) =>
    Number((10 ** (Math.log10(lo) + rnd() * (Math.log10(hi) - Math.log10(lo)))).toPrecision(8));
  const gecko = new Map(truth.coingecko.map((c) => [c.id, c]));
  const paprika = new Map(truth.coinpaprika.map((c) => [c.id, c]));
  const symbols = new Set<string>();
  for (const p of truth.pairs) {
    const g = gecko.get(p.coingeckoId);
    const c = paprika.get(p.coinpaprikaId);
    if (g) symbols.add(g.symbol.toUpperCase());
    if (c) symbols.add(c.symbol.toUpperCase());
  }
  const partnerOf = new Map(truth.pairs.filter((p) => !p.inactive).map((p) => [p.coingeckoId, p.coinpaprikaId]));
  const pairIds = new Set([...partnerOf.keys(), ...truth.pairs.map((p) => p.coingeckoId)]);
  const paprikaCoins: ListingCoin[] = [];
  const paprikaMarket = new Map<string, ListingCoin>();
  for (const c of truth.coinpaprika) {
    if (c.rank === 0 || !symbols.has(c.symbol.toUpperCase())) continue;
    const coin = {
      id: c.id,
      symbol: c.symbol,
      name: c.name,
      rank: c.rank,
      price: logUniform(1e-6, 1e4),
      marketCap: logUniform(1e4, 1e11),
    };
    paprikaCoins.push(coin);
    paprikaMarket.set(c.id, coin);
  }
  const geckoCoins: ListingCoin[] = [];
  for (const g of truth.coingecko) {
    if (!symbols.has(g.symbol.toUpperCase()) && !pairIds.has(g.id)) continue;
    const partner = paprikaMarket.get(partnerOf.get(g.id) ?? '');
    if (partner) {
      geckoCoins.push({
        id: g.id,
        symbol: g.symbol,
        name: g.name,
        rank: Math.max(1, Math.round(partner.rank! * (1 + (rnd() - 0.5) * 0.06))),
        price: Number((partner.price * (1 + (rnd() - 0.5) * 0.006)).toPrecision(8)),
        marketCap: Math.round(partner.marketCap * (1 + (rnd() - 0.5) * 0.1)),
      });
    } else {
      geckoCoins.push({
        id: g.id,
        symbol: g.symbol,
        name: g.name,
        rank: rnd() < 0.3 ? null : 1 + Math.floor(rnd() * 15000),
        price: logUniform(1e-6, 1e4),
        marketCap: logUniform(1e4, 1e11),
      });
    }
  }
  // CoinGecko pages /coins/markets by market cap, largest first.
  geckoCoins.sort((a, b) => b.marketCap - a.marketCap || (a.id < b.id ? -1 : 1));
  return { coingecko: geckoCoins, coinpaprika: paprikaCoins };
}

/** A CoinGecko `/coins/markets` item in the real shape. */
export function geckoListingMarket(c: ListingCoin, at: string): Record<string, unknown> {
  const supply = Math.round(c.marketCap / c.price);
  return {
    id: c.id,
    symbol: c.symbol.toLowerCase(),
    name: c.name,
    image: `https://coin-images.example/${c.id}.png`,
    current_price: c.price,
    market_cap: c.marketCap,
    market_cap_rank: c.rank,
    fully_diluted_valuation: null,
    total_volume: Math.round(c.marketCap * 0.03),
    high_24h: c.price * 1.02,
    low_24h: c.price * 0.97,
    price_change_24h: c.price * 0.01,
    price_change_percentage_24h: 1.1,
    market_cap_change_24h: 1000,
    market_cap_change_percentage_24h: 1.1,
    circulating_supply: supply,
    total_supply: supply,
    max_supply: null,
    ath: c.price * 1.5,
    ath_change_percentage: -33.3,
    ath_date: '2025-01-20T09:11:54.494Z',
    atl: c.price / 100,
    atl_change_percentage: 9900,
    atl_date: '2019-07-06T00:00:00.000Z',
    roi: null,
    last_updated: at,
  };
}

/** A CoinPaprika `/v1/tickers` item in the real shape. */
export function paprikaListingTicker(c: ListingCoin, at: string): Record<string, unknown> {
  const supply = Math.round(c.marketCap / c.price);
  return {
    id: c.id,
    name: c.name,
    symbol: c.symbol,
    rank: c.rank,
    total_supply: supply,
    max_supply: 0,
    beta_value: 1.02,
    first_data_at: '2018-01-01T00:00:00Z',
    last_updated: at,
    quotes: {
      USD: {
        price: c.price,
        volume_24h: Math.round(c.marketCap * 0.03),
        volume_24h_change_24h: -3.1,
        market_cap: c.marketCap,
        market_cap_change_24h: 1.2,
        percent_change_15m: 0.1,
        percent_change_1h: 0.3,
        percent_change_24h: 1.1,
        percent_change_7d: 2.2,
        ath_price: c.price * 1.5,
        ath_date: '2025-01-20T07:11:03Z',
        percent_from_price_ath: -33.3,
      },
    },
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
