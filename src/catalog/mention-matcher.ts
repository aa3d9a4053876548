import { normalizeName } from './asset-naming.js';

export interface DictionaryAsset {
  id: string;
  symbol: string;
  name: string;
  rank: number | null;
  needsReview: boolean;
}

export interface Mention {
  assetId: string;
  confidence: number;
  matched: string;
}

/** Tickers that are ordinary words: only a `$TICKER`, an upper-case ticker or one next to its coin's name counts. */
export const COMMON_WORD_SYMBOLS = new Set([
  'DAI', 'ONE', 'GAS', 'BEST', 'NEAR', 'SAND', 'MANA', 'LINK', 'UNI', 'GRT', 'FUN', 'ANY', 'ALL', 'ARE', 'CAN', 'NOW', 'NEW', 'TOP', 'HOT', 'GET', 'KEY',
  'BIT', 'CAT', 'DOG', 'MOON', 'SUN', 'WIN', 'FOR', 'ACT', 'AI', 'APE', 'ID', 'IT', 'ME', 'OM', 'OP', 'ORDI', 'PEOPLE', 'REAL', 'SAFE', 'SUPER', 'TRUE', 'WAVES', 'XYO', 'LOOM', 'JOE', 'BOND', 'CHR', 'ETHER',
]);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the assets a text mentions. Names match whole words, case-insensitively ("Ethena" is not
 * Ethereum); a longer name wins over a shorter one inside it ("Wrapped Bitcoin" is WBTC, not
 * Bitcoin; "Bitcoin Cash" is not Bitcoin). Symbols match as tickers: `$BTC` anywhere, `BTC` in upper
 * case as a whole word; common-word tickers (DAI, ONE, GAS...) need `$`, upper case, or the coin's
 * name in the same text. Each asset is reported once with its best confidence.
 */
export function findMentions(text: string, categories: string[], dictionary: DictionaryAsset[]): Mention[] {
  const haystack = `${text}\n${categories.join('\n')}`;
  const lower = haystack.toLowerCase();
  const found = new Map<string, Mention>();
  const nameSpans: Array<{ start: number; end: number; assetId: string; name: string }> = [];

  const byName = new Map<string, DictionaryAsset[]>();
  for (const asset of dictionary) {
    const name = normalizeName(asset.name);
    // A name that is an ordinary word ("Gas", "Dai", "One") only counts through the ticker rules.
    if (name.length < 3 || COMMON_WORD_SYMBOLS.has(name.toUpperCase())) continue;
    byName.set(name, [...(byName.get(name) ?? []), asset]);
  }
  for (const [name, assets] of byName) {
    const pattern = new RegExp(`(?<![a-z0-9])${name.split(' ').map(escapeRegExp).join('[\\s-]+')}(?![a-z0-9])`, 'g');
    for (const m of lower.matchAll(pattern)) {
      const best = preferred(assets);
      if (best) nameSpans.push({ start: m.index, end: m.index + m[0].length, assetId: best.id, name });
    }
  }
  // A name inside a longer matched name is not a mention of its own.
  const kept = nameSpans.filter((s) => !nameSpans.some((o) => o !== s && o.start <= s.start && o.end >= s.end && o.end - o.start > s.end - s.start));
  for (const s of kept) add(found, { assetId: s.assetId, confidence: 0.95, matched: haystack.slice(s.start, s.end) });
  const namedIds = new Set(kept.map((s) => s.assetId));

  const bySymbol = new Map<string, DictionaryAsset[]>();
  for (const asset of dictionary) bySymbol.set(asset.symbol, [...(bySymbol.get(asset.symbol) ?? []), asset]);
  for (const [symbol, assets] of bySymbol) {
    if (!/^[A-Z0-9]{2,10}$/.test(symbol)) continue;
    const asset = preferred(assets);
    if (!asset) continue;
    const dollar = new RegExp(`\\$${escapeRegExp(symbol)}(?![A-Za-z0-9])`, 'i').exec(haystack);
    if (dollar) {
      add(found, { assetId: asset.id, confidence: 0.9, matched: dollar[0] });
      continue;
    }
    if (symbol.length < 3) continue;
    const upper = new RegExp(`(?<![A-Za-z0-9$])${escapeRegExp(symbol)}(?![A-Za-z0-9])`).exec(haystack);
    if (!upper) continue;
    if (COMMON_WORD_SYMBOLS.has(symbol) && !namedIds.has(asset.id)) {
      // An upper-case common word in a shouting headline is weak evidence.
      add(found, { assetId: asset.id, confidence: 0.6, matched: upper[0] });
    } else {
      add(found, { assetId: asset.id, confidence: namedIds.has(asset.id) ? 0.95 : 0.8, matched: upper[0] });
    }
  }
  return [...found.values()].sort((a, b) => a.assetId.localeCompare(b.assetId));
}

/** Among assets sharing a name or ticker, the confident one with the best rank; none if ambiguous. */
function preferred(assets: DictionaryAsset[]): DictionaryAsset | undefined {
  const confident = assets.filter((a) => !a.needsReview);
  if (confident.length === 0) return undefined;
  const sorted = [...confident].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  if (sorted.length > 1 && sorted[0].rank === null) return undefined;
  return sorted[0];
}

function add(found: Map<string, Mention>, m: Mention): void {
  const prev = found.get(m.assetId);
  if (!prev || prev.confidence < m.confidence) found.set(m.assetId, m);
}
