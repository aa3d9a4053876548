/** Kraken's legacy asset codes that differ from the common ticker. */
const ALIASES: Readonly<Record<string, string>> = { XBT: 'BTC', XDG: 'DOGE' };

/** A pair's base asset as a common ticker, or null when the pair is not quoted in US dollars. */
export function usdBaseSymbol(pair: string): string | null {
  let base: string;
  // Legacy pairs are two 4-letter codes, X-prefixed crypto and Z-prefixed fiat (XXBTZUSD); newer ones are plain (SOLUSD).
  if (/^X[A-Z0-9]{3}ZUSD$/.test(pair)) base = pair.slice(1, 4);
  else if (pair.endsWith('USD') && pair.length > 3 && !pair.endsWith('ZUSD')) base = pair.slice(0, -3);
  else return null;
  return ALIASES[base] ?? base;
}

/**
 * Kraken's Ticker (and Assets) endpoints give no coin names, and the catalog only merges a quote
 * with the same coin of another source when it knows the name (a bare symbol is ambiguous: many
 * coins share one). So the plugin carries the names of the assets it knows; any other asset is
 * mapped with no name and the catalog asks for a review instead of guessing.
 */
const NAMES: Readonly<Record<string, string>> = {
  BTC: 'Bitcoin',
  ETH: 'Ethereum',
  SOL: 'Solana',
  XRP: 'XRP',
  ADA: 'Cardano',
  DOGE: 'Dogecoin',
  DOT: 'Polkadot',
  LTC: 'Litecoin',
  LINK: 'Chainlink',
  USDT: 'Tether',
  USDC: 'USDC',
  AVAX: 'Avalanche',
};

/** The coin's name for a common ticker, or null when the plugin does not know it. */
export function assetName(symbol: string): string | null {
  return NAMES[symbol] ?? null;
}
