import { isIP } from 'node:net';

/** What fastify's `trustProxy` accepts from us: off, a hop count, or a list of proxy addresses/CIDRs. */
export type TrustProxySetting = false | number | string[];

const OFF = new Set(['', 'off', 'false', 'no', '0']);

/**
 * Parses TRUST_PROXY. Off by default: with it off, X-Forwarded-For is ignored and the client is the
 * TCP peer, so no client can choose its own address (and so its own throttle bucket). `true` is
 * refused on purpose: trusting every hop is exactly the bypass this setting exists to prevent.
 * Returns an error message (naming the variable) instead of a setting when the value is invalid.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxySetting | { error: string } {
  const value = (raw ?? '').trim().toLowerCase();
  if (OFF.has(value)) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 32 ? hops : { error: 'TRUST_PROXY hop count must be between 1 and 32' };
  }
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  if (entries.length === 0 || bad.length > 0) {
    return {
      error:
        `TRUST_PROXY must be off, a hop count (e.g. 1) or a comma-separated list of proxy addresses or CIDRs ` +
        `(e.g. 10.0.0.0/8,192.168.1.10); not understood: ${bad.join(', ') || value}`,
    };
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
