import type { CanonicalQuote } from './canonical.types.js';

/**
 * A canonical quote's market figures (rank among them), in their canonical order, each with its
 * snake_case column name: the names of the canonical CSV layout and of the stored quote's columns.
 */
export const QUOTE_FIGURE_COLUMNS = {
  priceUsd: 'price_usd',
  marketCapUsd: 'market_cap_usd',
  volume24hUsd: 'volume_24h_usd',
  change24hPct: 'change_24h_pct',
  rank: 'rank',
  circulatingSupply: 'circulating_supply',
  totalSupply: 'total_supply',
  maxSupply: 'max_supply',
} as const satisfies Partial<Record<keyof CanonicalQuote, string>>;

/** A figure of a canonical quote (see {@link QUOTE_FIGURE_COLUMNS}). */
export type QuoteFigure = keyof typeof QUOTE_FIGURE_COLUMNS;
