import { COMMON_WORD_SYMBOLS, type DictionaryAsset } from '../src/catalog/mention-matcher.js';
import type { NewsToLink } from '../src/catalog/news-mentions.repository.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same catalog and news. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = (
  'bit coin eth sol ana chain link doge shi ba pol ka dot ava lanche tron ar bi trum op ti mism ' +
  'apt os sui near al go rand stel lar ton pe pe flo ki zil qa'
).split(' ');
const SUFFIXES = [
  'Cash',
  'Classic',
  'Protocol',
  'Network',
  'Token',
  'Finance',
  'Swap',
  'DAO',
  '2.0',
  'Inu',
  'AI',
  'Chain',
];
const PREFIXES = ['Wrapped', 'Staked', 'Bridged', 'Liquid', 'Super', 'Baby'];
const FILLER = (
  'the market rallied after traders said that prices could retest their highs while analysts ' +
  'warned about volume regulators exchange fund launch upgrade network fees wallet users report week month record ' +
  'new near one gas best top hot link sand mana real safe moon sun win key all are can now get it me id op ' +
  'ai'
).split(' ');

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const capital = (w: string) => w[0].toUpperCase() + w.slice(1);

/**
 * A catalog shaped like a real one: made-up coin names of one to three words, families sharing a
 * base name ("Foo", "Foo Cash", "Wrapped Foo"), tickers of 3-5 letters with some shared by several
 * coins and some ordinary words, a few unranked coins and a few awaiting identity review.
 */
export function syntheticCatalog(size: number, seed = 1): DictionaryAsset[] {
  const rnd = seeded(seed);
  const common = [...COMMON_WORD_SYMBOLS];
  const assets: DictionaryAsset[] = [];
  const bases: string[] = [];
  for (let i = 0; i < size; i++) {
    let name: string;
    if (bases.length > 0 && rnd() < 0.25) {
      const base = pick(rnd, bases);
      name = rnd() < 0.5 ? `${base} ${pick(rnd, SUFFIXES)}` : `${pick(rnd, PREFIXES)} ${base}`;
    } else {
      const word = Array.from({ length: 2 + Math.floor(rnd() * 2) }, () => pick(rnd, SYLLABLES)).join('');
      name = rnd() < 0.3 ? `${capital(word)} ${pick(rnd, SUFFIXES)}` : capital(word);
      bases.push(name);
    }
    const symbol =
      rnd() < 0.02
        ? pick(rnd, common)
        : rnd() < 0.05 && assets.length > 0
          ? pick(rnd, assets).symbol
          : Array.from({ length: 3 + Math.floor(rnd() * 3) }, () =>
              String.fromCharCode(65 + Math.floor(rnd() * 26)),
            ).join('');
    assets.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      symbol,
      name,
      rank: rnd() < 0.03 ? null : i + 1,
      needsReview: rnd() < 0.02,
    });
  }
  return assets;
}

/**
 * News like an RSS feed's: a title of about ten words and a summary of about fifty, mentioning one to
 * four coins by name (any case), `$TICKER` or bare TICKER, and a few categories.
 */
export function syntheticNews(count: number, catalog: readonly DictionaryAsset[], seed = 2): NewsToLink[] {
  const rnd = seeded(seed);
  const mention = () => {
    const a = pick(rnd, catalog);
    const r = rnd();
    return r < 0.5 ? (rnd() < 0.5 ? a.name : a.name.toLowerCase()) : r < 0.75 ? `$${a.symbol}` : a.symbol;
  };
  const sentence = (words: number, mentions: number) => {
    const out = Array.from({ length: words }, () => pick(rnd, FILLER));
    for (let m = 0; m < mentions; m++) out.splice(Math.floor(rnd() * out.length), 0, mention());
    return `${capital(out.join(' '))}.`;
  };
  return Array.from({ length: count }, (_, i) => ({
    newsId: String(i + 1),
    title: sentence(8 + Math.floor(rnd() * 6), 1),
    summary: sentence(40 + Math.floor(rnd() * 20), Math.floor(rnd() * 4)),
    categories: Array.from({ length: Math.floor(rnd() * 3) }, () =>
      rnd() < 0.3 ? pick(rnd, catalog).name : capital(pick(rnd, FILLER)),
    ),
  }));
}
