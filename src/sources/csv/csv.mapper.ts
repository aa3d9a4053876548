import { shown, type DecimalResult, mapped, rejected, type MapResult } from '@kasparro/etl-plugin-sdk';
import { readCsvDate, type FileDateOrder } from './csv-dates.js';
import { csvAssetKey } from './csv-identity.js';
import { readCsvNumber, type FileDecimalMark } from './csv-numbers.js';

/** A file's number format and date order, as its first pass settled them (undefined: unknown). */
export interface CsvFileFormat {
  decimal?: FileDecimalMark;
  dates?: FileDateOrder;
}

/**
 * Maps one CSV row (canonical header names, original string values) to a quote. Cleans messy
 * values; numbers and `NN/NN/YYYY` dates are read under the file's format (see
 * csv-file-dialect.ts), and a value with two readings the file does not settle is rejected. A row
 * without a usable symbol, price or timestamp is rejected with the field and value.
 */
export function mapCsvRow(row: Record<string, unknown>, format: CsvFileFormat = {}): MapResult {
  const symbol = symbolOf(row);
  if (!symbol) {
    return rejected(
      `symbol missing (no symbol/ticker column value${row.source_id ? ` and id "${shown(row.source_id)}" has no symbol prefix` : ''})`,
    );
  }
  const mark = format.decimal;
  const number = (raw: unknown): DecimalResult => readCsvNumber(raw, mark);
  const price = number(row.price_usd);
  if (!price.ok) return rejected(`price_usd: ${price.reason}`);
  if (price.value === null) return rejected(`price_usd missing for ${symbol}`);
  if (Number(price.value) < 0) return rejected(`price_usd must not be negative: "${String(row.price_usd)}"`);
  const observedAt = readCsvDate(row.observed_at, format.dates);
  if (!observedAt.ok) return rejected(`observed_at: ${observedAt.reason}`);
  const fields: Record<string, DecimalResult> = {
    market_cap_usd: number(row.market_cap_usd),
    volume_24h_usd: number(row.volume_24h_usd),
    change_24h_pct: number(row.change_24h_pct),
    circulating_supply: number(row.circulating_supply),
    total_supply: number(row.total_supply),
    max_supply: number(row.max_supply),
  };
  for (const [field, result] of Object.entries(fields)) if (!result.ok) return rejected(`${field}: ${result.reason}`);
  const rank = integerOf(number(row.rank), row.rank);
  if (!rank.ok) return rejected(`rank: ${rank.reason}`);
  const value = (f: string) => (fields[f] as { ok: true; value: string | null }).value;
  const name = typeof row.name === 'string' && row.name.trim() !== '' ? row.name.trim() : null;
  return mapped({
    kind: 'market_quote',
    sourceAssetId: csvAssetKey({ id: row.source_id, symbol, name }),
    symbol,
    name,
    rank: rank.value,
    observedAt: observedAt.value,
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
  const raw =
    typeof row.symbol === 'string' ? row.symbol : typeof row.source_id === 'string' ? row.source_id.split('-')[0] : '';
  const symbol = raw.trim().toUpperCase();
  return /^[A-Z0-9.$_-]{1,20}$/.test(symbol) ? symbol : null;
}

/** An integer (rank): decimals with no fractional part are accepted, others are errors. */
function integerOf(d: DecimalResult, raw: unknown): { ok: true; value: number | null } | { ok: false; reason: string } {
  if (!d.ok) return d;
  if (d.value === null) return { ok: true, value: null };
  const n = Number(d.value);
  return Number.isInteger(n) ? { ok: true, value: n } : { ok: false, reason: `not an integer: "${shown(raw)}"` };
}
