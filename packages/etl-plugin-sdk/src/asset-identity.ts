import { rejected, type MapResult } from './canonical.types.js';

/** Who a market payload is about, as the canonical quote names it. */
export interface AssetIdentity {
  /** The upstream's own id of the asset (`btc-bitcoin`, `bitcoin`). */
  sourceAssetId: string;
  /** The ticker, trimmed and upper-cased (`BTC`). */
  symbol: string;
  /** The asset's name, trimmed, or null when the payload has none. */
  name: string | null;
}

/**
 * Reads the identity of a market payload that carries it as string fields (`id`, `symbol`, `name`
 * by default): a quote's `sourceAssetId`, upper-cased `symbol` and `name`, or the reject a mapper
 * returns when the id or the symbol is missing. Pure.
 *
 * @example
 * ```ts
 * const identity = assetIdentity(payload);
 * if (!identity.ok) return identity.rejection;
 * return mapped({ kind: 'market_quote', ...identity.asset, ... });
 * ```
 */
export function assetIdentity(
  payload: Record<string, unknown>,
  fields: { id?: string; symbol?: string; name?: string } = {},
): { ok: true; asset: AssetIdentity } | { ok: false; rejection: MapResult } {
  const rawId = payload[fields.id ?? 'id'];
  const id = typeof rawId === 'string' ? rawId : undefined; // as sent: ids are keys, never trimmed
  const symbol = text(payload[fields.symbol ?? 'symbol'])?.toUpperCase();
  if (!id || !symbol) {
    return { ok: false, rejection: rejected(`${fields.id ?? 'id'} and ${fields.symbol ?? 'symbol'} are required`) };
  }
  return { ok: true, asset: { sourceAssetId: id, symbol, name: text(payload[fields.name ?? 'name']) ?? null } };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}
