import { cleanDecimal, cleanInteger, shown, type DecimalResult } from '../../common/parsing/decimal.js';
import { parseTimestamp } from '../../common/parsing/timestamp.js';
import { mapped, rejected, type MapResult } from '../../etl/extractor/index.js';

/**
 * Maps one CSV row (canonical header names, original string values) to a quote. Cleans messy
 * values; a row without a usable symbol, price or timestamp is rejected with the field and value.
 */
export function mapCsvRow(row: Record<string, unknown>): MapResult {
  const symbol = symbolOf(row);
  if (!symbol) return rejected(`symbol missing (no symbol/ticker column value${row.source_id ? ` and id "${shown(row.source_id)}" has no symbol prefix` : ''})`);
  const price = cleanDecimal(row.price_usd);
  if (!price.ok) return rejected(`price_usd: ${price.reason}`);
  if (price.value === null) return rejected(`price_usd missing for ${symbol}`);
  if (Number(price.value) < 0) return rejected(`price_usd must not be negative: "${String(row.price_usd)}"`);
  const observedAt = parseTimestamp(row.observed_at);
  if (!observedAt) return rejected(`observed_at: unrecognised timestamp "${shown(row.observed_at)}"`);
  const fields: Record<string, DecimalResult> = {
    market_cap_usd: cleanDecimal(row.market_cap_usd),
    volume_24h_usd: cleanDecimal(row.volume_24h_usd),
    change_24h_pct: cleanDecimal(row.change_24h_pct),
    circulating_supply: cleanDecimal(row.circulating_supply),
    total_supply: cleanDecimal(row.total_supply),
    max_supply: cleanDecimal(row.max_supply),
  };
  for (const [field, result] of Object.entries(fields)) if (!result.ok) return rejected(`${field}: ${result.reason}`);
  const rank = cleanInteger(row.rank);
  if (!rank.ok) return rejected(`rank: ${rank.reason}`);
  const value = (f: string) => (fields[f] as { ok: true; value: string | null }).value;
  const name = typeof row.name === 'string' && row.name.trim() !== '' ? row.name.trim() : null;
  return mapped({
    kind: 'market_quote',
    sourceAssetId: symbol,
    symbol,
    name,
    rank: rank.value,
    observedAt,
    priceUsd: price.value,
    marketCapUsd: value('market_cap_usd'),
    volume24hUsd: value('volume_24h_usd'),
    change24hPct: value('change_24h_pct'),
    circulatingSupply: value('circulating_supply'),
    totalSupply: value('total_supply'),
    maxSupply: value('max_supply') === '0' ? null : value('max_supply'),
  });
}

/** The symbol column, or the prefix of a CoinPaprika-style id (`btc-bitcoin` -> BTC) in the seed layout. */
function symbolOf(row: Record<string, unknown>): string | null {
  const raw = typeof row.symbol === 'string' ? row.symbol : typeof row.source_id === 'string' ? row.source_id.split('-')[0] : '';
  const symbol = raw.trim().toUpperCase();
  return /^[A-Z0-9.$_-]{1,20}$/.test(symbol) ? symbol : null;
}
