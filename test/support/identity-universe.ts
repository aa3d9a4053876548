import type { AssetCandidate } from '../../src/catalog/asset-identity.service.js';
import { geckoCrosswalkKey } from '../../src/sources/coingecko/coingecko.mapper.js';
import { paprikaCrosswalkKey } from '../../src/sources/coinpaprika/coinpaprika.mapper.js';

/** Small deterministic PRNG (mulberry32): the same seed gives the same universe and orders. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AT = new Date('2026-11-30T12:00:00Z');

interface Market {
  rank: number;
  price: number;
  cap: number;
}

function candidate(source: string, id: string, symbol: string, name: string | null, m: Market | null): AssetCandidate {
  const crosswalkKey =
    source === 'coingecko'
      ? geckoCrosswalkKey(id, symbol)
      : source === 'coinpaprika'
        ? paprikaCrosswalkKey(id, symbol)
        : undefined;
  return {
    source,
    sourceAssetId: id,
    symbol: source === 'coingecko' ? symbol.toLowerCase() : symbol,
    name,
    rank: m?.rank ?? null,
    priceUsd: m ? String(m.price) : null,
    marketCapUsd: m ? String(m.cap) : null,
    observedAt: AT,
    crosswalkKey: crosswalkKey ?? null,
  };
}

/**
 * A mixed universe of `coins` coins on CoinGecko, CoinPaprika and the CSV, with every trap family:
 * plain coins, names that differ per provider (crosswalk ids), provider id suffixes (`foo` / `foo-2`),
 * a token and its same-named copy on one source, names inside other names (`Gas` / `Gas DAO`),
 * wrapped/bridged variants under the base ticker, shared tickers, look-alike names and bare tickers.
 * One coin's listings on two providers carry consistent market data; different coins independent.
 */
export function identityUniverse(coins: number, seed = 7): { records: AssetCandidate[]; coins: number } {
  const rnd = prng(seed);
  const out: AssetCandidate[] = [];
  const market = (rank: number): Market => ({
    rank,
    price: Number((10 ** (rnd() * 10 - 5)).toPrecision(6)),
    cap: Math.round(10 ** (5 + rnd() * 6)),
  });
  const near = (m: Market): Market => ({
    rank: m.rank + Math.round(rnd() * 2),
    price: Number((m.price * (1 + (rnd() - 0.5) * 0.004)).toPrecision(8)),
    cap: Math.round(m.cap * (1 + (rnd() - 0.5) * 0.04)),
  });
  const families = [
    'plain',
    'plain',
    'plain',
    'renamed',
    'suffix',
    'copy',
    'contained',
    'variant',
    'shared',
    'lookalike',
    'bare',
  ] as const;
  const perFamily: Record<(typeof families)[number], number> = {
    plain: 1,
    renamed: 1,
    suffix: 2,
    copy: 2,
    contained: 2,
    variant: 2,
    shared: 2,
    lookalike: 2,
    bare: 1,
  };
  let count = 0;
  for (let i = 0; count < coins; i++) {
    const family = families[i % families.length];
    count += perFamily[family];
    const sym = `T${i.toString(36).toUpperCase()}`;
    const slug = `coin-${i}`;
    const name = `Coin ${i}`;
    const m = market(10 + i);
    switch (family) {
      case 'plain':
        out.push(
          candidate('coingecko', slug, sym, name, m),
          candidate('coinpaprika', `${sym.toLowerCase()}-${slug}`, sym, name, near(m)),
        );
        if (i % 3 === 0) out.push(candidate('csv', `${sym}|${name}`, sym, name, near(m)));
        break;
      case 'renamed':
        // CoinGecko shows the ticker as the name, CoinPaprika the long name: the ids crosswalk.
        out.push(
          candidate('coingecko', slug, sym, sym, m),
          candidate('coinpaprika', `${sym.toLowerCase()}-${slug}`, sym, `Coin Network ${i}`, near(m)),
        );
        break;
      case 'suffix':
        // `slug` and `slug-2` are two coins with one name; only `slug` is CoinPaprika's coin.
        out.push(
          candidate('coingecko', slug, sym, name, m),
          candidate('coingecko', `${slug}-2`, sym, name, market(5000 + i)),
          candidate('coinpaprika', `${sym.toLowerCase()}-${slug}`, sym, name, near(m)),
        );
        break;
      case 'copy':
        out.push(
          candidate('coingecko', slug, sym, name, m),
          // The copy tracks the price; its cap is a sliver of the original's.
          candidate('coingecko', `${slug}-bsc`, sym, name, {
            rank: 7000 + i,
            price: m.price,
            cap: Math.round(m.cap / 1000),
          }),
          candidate('coinpaprika', `${sym.toLowerCase()}-${slug}-token`, sym, name, near(m)),
        );
        break;
      case 'contained':
        out.push(
          candidate('coingecko', slug, sym, name, m),
          candidate('coinpaprika', `${sym.toLowerCase()}-${slug}-dao`, sym, `${name} DAO`, { ...market(m.rank + 1) }),
        );
        break;
      case 'variant':
        out.push(
          candidate('coingecko', slug, sym, name, m),
          candidate('coinpaprika', `${sym.toLowerCase()}-bridged-${slug}`, sym, `Bridged ${name}`, { ...near(m) }),
        );
        break;
      case 'shared':
        out.push(
          candidate('coingecko', slug, sym, name, m),
          candidate(
            'coinpaprika',
            `${sym.toLowerCase()}-other-${i}`,
            sym,
            `Unrelated Token ${i * 7}`,
            market(3000 + i),
          ),
        );
        break;
      case 'lookalike':
        out.push(
          candidate('coingecko', slug, sym, `Bittorr${i}`, m),
          candidate('coinpaprika', `${sym.toLowerCase()}-${slug}-tube`, sym, `Bittub${i}`, market(4000 + i)),
        );
        break;
      case 'bare':
        out.push(candidate('coingecko', slug, sym, name, m), candidate('csv', sym, sym, null, null));
        break;
    }
  }
  return { records: out, coins: count };
}
