import { createHash } from 'node:crypto';

/** Fixed namespace of asset ids (UUIDv5): the same asset key always gives the same id. */
const ASSET_NAMESPACE = Buffer.from('6f1c2b7e4a9d4c3f8e2a5b7c9d1e3f50', 'hex');

/** RFC 4122 version-5 UUID of `name` in the asset namespace. */
export function assetIdFor(assetKey: string): string {
  const hash = createHash('sha1').update(ASSET_NAMESPACE).update(assetKey, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function normalizeSymbol(symbol: string): string {
  return symbol.trim().toUpperCase();
}

/** Lower case, accents and punctuation removed, single spaces: `Bitcoin  Cash!` -> `bitcoin cash`. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function nameSlug(name: string): string {
  return normalizeName(name).replace(/ /g, '-');
}

/** `btc:bitcoin`: deterministic, so the same coin from any source, in any order, gets the same key. */
export function assetKeyFor(symbol: string, name: string): string {
  return `${normalizeSymbol(symbol).toLowerCase()}:${nameSlug(name)}`;
}

/** Key of an asset that could not be identified confidently: unique to its source id. */
export function isolatedAssetKey(symbol: string, source: string, sourceAssetId: string): string {
  return `${normalizeSymbol(symbol).toLowerCase()}:~${source}:${sourceAssetId.toLowerCase()}`;
}

const VARIANT = /\b(wrapped|bridged|staked|restaked|liquid staking|pegged|wormhole|portal|bridge|binance-peg|peg)\b/i;

/** Wrapped, bridged, staked or pegged variants are different assets from their underlying. */
export function isVariantName(name: string | null): boolean {
  return name !== null && VARIANT.test(name.replace(/[^A-Za-z0-9 -]/g, ' '));
}

/** The symbol block an asset key belongs to (`btc:bitcoin` -> `BTC`). */
export function symbolOfKey(assetKey: string): string {
  return normalizeSymbol(assetKey.slice(0, Math.max(0, assetKey.indexOf(':'))));
}
