import { InvalidInputException } from '../../common/http/validation.js';
import { MAX_PRICES_PER_CALL } from './dto/prices.dto.js';

/** Which assets a /prices or /stream/prices request names: by symbol or by id, never both. */
export type PriceSelection = { symbols: string[]; assetIds?: undefined } | { assetIds: string[]; symbols?: undefined };

/** What every item of a listed field must be: a pattern, and its name for the error message. */
interface ItemKind {
  valid: RegExp;
  what: string;
}

const TICKER: ItemKind = { valid: /^[A-Za-z0-9.$_-]{1,20}$/, what: 'ticker' };
const UUID: ItemKind = { valid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, what: 'UUID' };

function list(field: string, raw: string, { valid, what }: ItemKind): string[] {
  const items = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (items.length === 0) {
    throw new InvalidInputException([{ field, message: `${field} must list at least one ${what}` }]);
  }
  if (items.length > MAX_PRICES_PER_CALL) {
    throw new InvalidInputException([
      { field, message: `${field} lists ${items.length} values; at most ${MAX_PRICES_PER_CALL} per call` },
    ]);
  }
  const bad = items.filter((s) => !valid.test(s));
  if (bad.length > 0) {
    throw new InvalidInputException([
      { field, message: `${field} must be comma-separated ${what}s (not ${bad.slice(0, 3).join(', ')})` },
    ]);
  }
  return items;
}

/** Parses `symbols` (upper-cased) or `asset_ids` (lower-cased); a 400 naming the field otherwise. */
export function parsePriceSelection(q: { symbols?: string; asset_ids?: string }): PriceSelection {
  if (q.symbols !== undefined && q.asset_ids !== undefined) {
    throw new InvalidInputException([{ field: 'asset_ids', message: 'give symbols or asset_ids, not both' }]);
  }
  if (q.symbols !== undefined) {
    return { symbols: [...new Set(list('symbols', q.symbols, TICKER).map((s) => s.toUpperCase()))] };
  }
  if (q.asset_ids !== undefined) {
    return { assetIds: [...new Set(list('asset_ids', q.asset_ids, UUID).map((s) => s.toLowerCase()))] };
  }
  throw new InvalidInputException([
    { field: 'symbols', message: 'symbols or asset_ids is required' },
    { field: 'asset_ids', message: 'symbols or asset_ids is required' },
  ]);
}
