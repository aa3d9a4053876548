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
  'DAI',
  'ONE',
  'GAS',
  'BEST',
  'NEAR',
  'SAND',
  'MANA',
  'LINK',
  'UNI',
  'GRT',
  'FUN',
  'ANY',
  'ALL',
  'ARE',
  'CAN',
  'NOW',
  'NEW',
  'TOP',
  'HOT',
  'GET',
  'KEY',
  'BIT',
  'CAT',
  'DOG',
  'MOON',
  'SUN',
  'WIN',
  'FOR',
  'ACT',
  'AI',
  'APE',
  'ID',
  'IT',
  'ME',
  'OM',
  'OP',
  'ORDI',
  'PEOPLE',
  'REAL',
  'SAFE',
  'SUPER',
  'TRUE',
  'WAVES',
  'XYO',
  'LOOM',
  'JOE',
  'BOND',
  'CHR',
  'ETHER',
]);

const TICKER = /^[A-Z0-9]{2,10}$/;
// A name matches whole words of the lower-cased text (`(?<![a-z0-9])` … `(?![a-z0-9])`), so the
// text is cut into maximal runs of [a-z0-9]; two words of a name may be separated by whitespace or
// hyphens only. Tickers likewise are whole runs of [A-Za-z0-9] in the original text.
const NAME_WORD = /[a-z0-9]+/g;
const NAME_SEPARATOR = /^[\s-]+$/;
const TICKER_WORD = /[A-Za-z0-9]+/g;

/** One node per word of a name: names sharing leading words share nodes. */
interface NameNode {
  next: Map<string, NameNode>;
  /** Set when a name ends here and the dictionary has one confident owner for it. */
  assetId?: string;
}

interface NameSpan {
  start: number;
  end: number;
  assetId: string;
}

/**
 * Finds the assets a text mentions. Names match whole words, case-insensitively ("Ethena" is not
 * Ethereum); a longer name wins over a shorter one inside it ("Wrapped Bitcoin" is WBTC, not
 * Bitcoin; "Bitcoin Cash" is not Bitcoin). Symbols match as tickers: `$BTC` anywhere, `BTC` in upper
 * case as a whole word; common-word tickers (DAI, ONE, GAS...) need `$`, upper case, or the coin's
 * name in the same text. Each asset is reported once with its best confidence.
 *
 * Built once per catalog version (see news-linker.service.ts): the names go into a trie of words and
 * the tickers into a map, so a text costs one pass over its words whatever the catalog size. The
 * rules are those of the former one-regular-expression-per-name matcher, which the differential test
 * in mention-matcher.spec.ts keeps as its oracle (bench/news-linking-baseline.ts).
 */
export class MentionMatcher {
  private readonly names: NameNode = { next: new Map() };
  private readonly tickers = new Map<string, DictionaryAsset>();

  constructor(dictionary: readonly DictionaryAsset[]) {
    const byName = new Map<string, DictionaryAsset[]>();
    const bySymbol = new Map<string, DictionaryAsset[]>();
    for (const asset of dictionary) {
      const name = normalizeName(asset.name);
      // A name that is an ordinary word ("Gas", "Dai", "One") only counts through the ticker rules.
      if (name.length >= 3 && !COMMON_WORD_SYMBOLS.has(name.toUpperCase())) pushTo(byName, name, asset);
      pushTo(bySymbol, asset.symbol, asset);
    }
    for (const [name, assets] of byName) {
      // An ambiguous name matches nothing, so it does not hide a shorter name inside it either.
      const owner = preferred(assets);
      if (owner) this.nodeFor(name).assetId = owner.id;
    }
    for (const [symbol, assets] of bySymbol) {
      const owner = TICKER.test(symbol) ? preferred(assets) : undefined;
      if (owner) this.tickers.set(symbol, owner);
    }
  }

  find(text: string, categories: readonly string[]): Mention[] {
    const haystack = `${text}\n${categories.join('\n')}`;
    const found = new Map<string, Mention>();
    const named = new Set<string>();
    for (const span of outermost(this.nameSpans(haystack.toLowerCase()))) {
      named.add(span.assetId);
      // Spans come in text order: the first one of an asset is the one reported.
      if (found.has(span.assetId)) continue;
      const matched = haystack.slice(span.start, span.end);
      found.set(span.assetId, { assetId: span.assetId, confidence: 0.95, matched });
    }
    for (const m of this.tickerMentions(haystack, named)) add(found, m);
    return [...found.values()].sort((a, b) => a.assetId.localeCompare(b.assetId));
  }

  private nodeFor(name: string): NameNode {
    let node = this.names;
    for (const word of name.split(' ')) {
      let child = node.next.get(word);
      if (!child) node.next.set(word, (child = { next: new Map() }));
      node = child;
    }
    return node;
  }

  /** Every occurrence of every name, in text order; a name's occurrences never overlap each other. */
  private nameSpans(lower: string): NameSpan[] {
    const words = [...lower.matchAll(NAME_WORD)].map((m) => ({
      word: m[0],
      start: m.index,
      end: m.index + m[0].length,
    }));
    // joined[j]: word j and word j + 1 may belong to one name.
    const joined = words.map(
      (w, i) => i + 1 < words.length && NAME_SEPARATOR.test(lower.slice(w.end, words[i + 1].start)),
    );
    const spans: NameSpan[] = [];
    // A regular expression scanning for one name resumes after its previous match: same here.
    const resumeAt = new Map<NameNode, number>();
    for (let i = 0; i < words.length; i++) {
      let node: NameNode | undefined = this.names;
      for (let j = i; node; j++) {
        node = node.next.get(words[j].word);
        if (!node) break;
        if (node.assetId !== undefined && words[i].start >= (resumeAt.get(node) ?? 0)) {
          spans.push({ start: words[i].start, end: words[j].end, assetId: node.assetId });
          resumeAt.set(node, words[j].end);
        }
        if (!joined[j]) break;
      }
    }
    return spans;
  }

  private *tickerMentions(haystack: string, named: ReadonlySet<string>): Generator<Mention> {
    const dollar = new Map<string, string>();
    const upper = new Set<string>();
    for (const m of haystack.matchAll(TICKER_WORD)) {
      const run = m[0];
      if (run.length > 10) continue;
      if (m.index > 0 && haystack[m.index - 1] === '$') {
        // `$btc` too: the `$` form is case-insensitive (ASCII letters only, as the regex flag `i` was).
        const symbol = run.toUpperCase();
        if (this.tickers.has(symbol) && !dollar.has(symbol)) dollar.set(symbol, `$${run}`);
      } else if (run.length >= 3 && this.tickers.has(run)) {
        upper.add(run);
      }
    }
    for (const [symbol, matched] of dollar) yield { assetId: this.tickers.get(symbol)!.id, confidence: 0.9, matched };
    for (const symbol of upper) {
      if (dollar.has(symbol)) continue;
      const { id } = this.tickers.get(symbol)!;
      // An upper-case common word in a shouting headline is weak evidence.
      const confidence = named.has(id) ? 0.95 : COMMON_WORD_SYMBOLS.has(symbol) ? 0.6 : 0.8;
      yield { assetId: id, confidence, matched: symbol };
    }
  }
}

/** Convenience for one text; code linking many texts keeps a MentionMatcher per catalog version. */
export function findMentions(text: string, categories: string[], dictionary: DictionaryAsset[]): Mention[] {
  return new MentionMatcher(dictionary).find(text, categories);
}

/** A name inside a longer matched name is not a mention of its own ("Bitcoin" in "Bitcoin Cash"). */
function outermost(spans: NameSpan[]): NameSpan[] {
  // Two spans never cover the same characters (that would be one name), so "inside a longer one" is
  // "inside one that starts no later": sweep by start, longest first, keeping the furthest end seen.
  const ordered = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: NameSpan[] = [];
  let furthest = -1;
  for (const s of ordered) {
    if (s.end > furthest) kept.push(s);
    furthest = Math.max(furthest, s.end);
  }
  return kept;
}

/** Among assets sharing a name or ticker, the confident one with the best rank; none if ambiguous. */
function preferred(assets: DictionaryAsset[]): DictionaryAsset | undefined {
  const confident = assets.filter((a) => !a.needsReview);
  if (confident.length === 0) return undefined;
  const sorted = [...confident].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  if (sorted.length > 1 && sorted[0].rank === null) return undefined;
  return sorted[0];
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function add(found: Map<string, Mention>, m: Mention): void {
  const prev = found.get(m.assetId);
  if (!prev || prev.confidence < m.confidence) found.set(m.assetId, m);
}
