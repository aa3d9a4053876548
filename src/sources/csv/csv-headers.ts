import { QUOTE_FIGURE_COLUMNS } from '@kasparro/etl-plugin-sdk';

/**
 * Header aliases seen in real exports, normalised to the canonical column names the mapper reads.
 * Unknown headers are kept (lower-cased, trimmed) so drift detection can report them.
 */
const ALIASES: Record<string, string> = {
  symbol: 'symbol',
  ticker: 'symbol',
  coin: 'symbol',
  asset: 'symbol',
  name: 'name',
  title: 'name',
  coin_name: 'name',
  price_usd: 'price_usd',
  price: 'price_usd',
  value: 'price_usd',
  close: 'price_usd',
  usd_price: 'price_usd',
  market_cap_usd: 'market_cap_usd',
  market_cap: 'market_cap_usd',
  mcap: 'market_cap_usd',
  marketcap: 'market_cap_usd',
  volume_24h_usd: 'volume_24h_usd',
  volume_24h: 'volume_24h_usd',
  vol: 'volume_24h_usd',
  volume: 'volume_24h_usd',
  percent_change_24h: 'change_24h_pct',
  change_24h: 'change_24h_pct',
  price_change_24h: 'change_24h_pct',
  change_24h_pct: 'change_24h_pct',
  rank: 'rank',
  market_cap_rank: 'rank',
  last_updated: 'observed_at',
  date: 'observed_at',
  timestamp: 'observed_at',
  source_updated_at: 'observed_at',
  observed_at: 'observed_at',
  time: 'observed_at',
  id: 'source_id',
  asset_id: 'source_id',
  coin_id: 'source_id',
  circulating_supply: 'circulating_supply',
  total_supply: 'total_supply',
  max_supply: 'max_supply',
};

export function canonicalHeader(header: string): string {
  const key = header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return ALIASES[key] ?? key;
}

/** Every canonical column name: a header is readable when its fields include some of them. */
export const KNOWN_COLUMNS: ReadonlySet<string> = new Set(Object.values(ALIASES));

/** Canonical columns holding numbers (their decimal mark is detected per file) and the timestamp column. */
export const NUMBER_COLUMNS: ReadonlySet<string> = new Set(Object.values(QUOTE_FIGURE_COLUMNS));
export const DATE_COLUMN = 'observed_at';
