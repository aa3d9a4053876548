import fc from 'fast-check';
import { findMentionsBaseline } from '../../bench/news-linking-baseline.js';
import { findMentions, MentionMatcher, type DictionaryAsset, type Mention } from './mention-matcher.js';

const asset = (symbol: string, name: string, rank: number, needsReview = false): DictionaryAsset => ({
  id: `id-${symbol}`,
  symbol,
  name,
  rank,
  needsReview,
});
const DICT = [
  asset('BTC', 'Bitcoin', 1),
  asset('ETH', 'Ethereum', 2),
  asset('WBTC', 'Wrapped Bitcoin', 12),
  asset('BCH', 'Bitcoin Cash', 20),
  asset('ENA', 'Ethena', 33),
  asset('DAI', 'Dai', 26),
  asset('ONE', 'Harmony', 41),
  asset('GAS', 'Gas', 40),
  asset('SOL', 'Solana', 6),
  asset('LINK', 'Chainlink', 13),
  asset('NEAR', 'NEAR Protocol', 28),
  asset('XRP', 'XRP', 4),
  asset('STETH', 'Lido Staked Ether', 11),
  asset('UNI', 'Uniswap', 25),
  asset('UNI', 'Unicorn Token', 2000, true),
];
const symbols = (title: string, summary = '', categories: string[] = []) =>
  findMentions(`${title}\n${summary}`, categories, DICT)
    .map((m) => m.assetId.replace('id-', ''))
    .sort();

describe('findMentions', () => {
  it.each([
    ['Bitcoin hits a new high', ['BTC']],
    ['Analysts say $BTC could retest its high', ['BTC']],
    ['BTC and ETH rally', ['BTC', 'ETH']],
    ['Daily market recap: traders wait', []],
    ['Ethena launches a new product', ['ENA']],
    ['Wrapped Bitcoin supply shrinks', ['WBTC']],
    ['Bitcoin Cash hard fork anniversary', ['BCH']],
    ['Bitcoin and Bitcoin Cash diverge', ['BCH', 'BTC']],
    ['One more thing about gas fees', []],
    ['Harmony ONE bridge reopens', ['ONE']],
    ['$DAI supply grows', ['DAI']],
    ['MakerDAO votes on DAI savings rate', ['DAI']],
    ['Solana-based memecoins surge', ['SOL']],
    ['Near-term outlook remains bearish', []],
    ['NEAR Protocol upgrade ships', ['NEAR']],
    ['Chainlink oracles link more chains', ['LINK']],
    ['Lido Staked Ether depeg fears', ['STETH']],
    ['Ethereum staking via Lido Staked Ether grows', ['ETH', 'STETH']],
    ['bitcoin miners capitulate', ['BTC']],
    ['Uniswap v4 launches; UNI rallies', ['UNI']],
    ['XRP ruling anniversary', ['XRP']],
  ])('"%s" mentions %j', (title, expected) => {
    expect(symbols(title)).toEqual(expected);
  });

  it('should use categories and report one mention per asset with its best confidence', () => {
    const mentions = findMentions('Market update', ['Bitcoin', 'Markets'], DICT);
    expect(mentions).toEqual([{ assetId: 'id-BTC', confidence: 0.95, matched: 'Bitcoin' }]);
  });

  it('should give a ticker alone a lower confidence than the name', () => {
    const [m] = findMentions('Whales accumulate SOL', [], DICT);
    expect(m).toEqual({ assetId: 'id-SOL', confidence: 0.8, matched: 'SOL' });
  });

  it('should never link an asset still awaiting identity review', () => {
    expect(symbols('Unicorn Token airdrop')).toEqual([]);
  });
});

/**
 * The compiled matcher must give exactly the mentions of the former one-regex-per-name matcher
 * (kept as the oracle in bench/news-linking-baseline.ts): same assets, confidences, matched text.
 */
describe(MentionMatcher.name, () => {
  type Finder = (text: string, categories: string[], dictionary: DictionaryAsset[]) => Mention[];
  const oracle: Finder = (text, categories, dictionary) => findMentionsBaseline(text, categories, dictionary);
  const compiled: Finder = (text, categories, dictionary) => new MentionMatcher(dictionary).find(text, categories);

  describe('edge cases, against the oracle', () => {
    const dict = (...rows: Array<[string, string, number | null, boolean?]>): DictionaryAsset[] =>
      rows.map(([symbol, name, rank, needsReview = false], i) => ({ id: `a${i}`, symbol, name, rank, needsReview }));
    // [case, dictionary, text, categories, how many mentions the oracle finds]
    it.each<[string, DictionaryAsset[], string, string[], number]>([
      ['name repeated so that its occurrences overlap', dict(['BB', 'Bit Bit', 1]), 'bit bit bit', [], 1],
      // "kaz kaz" at 0 hides the "kaz" at 4; its overlapping occurrence at 4 is skipped, so the "kaz" at 8 counts.
      [
        'a shorter name inside only the skipped overlap',
        dict(['KK', 'Kaz Kaz', 1], ['KZ', 'Kaz', 2]),
        'kaz kaz kaz',
        [],
        2,
      ],
      ['names overlapping partly', dict(['BB', 'Bit Bit', 1], ['BA', 'Bit Ark', 2]), 'bit bit ark', [], 2],
      [
        'names overlapping without containment',
        dict(['AB', 'Alpha Beta', 1], ['BG', 'Beta Gamma', 2]),
        'alpha beta gamma',
        [],
        2,
      ],
      [
        'a name inside a longer one',
        dict(['BTC', 'Bitcoin', 1], ['BCH', 'Bitcoin Cash', 2]),
        'Bitcoin Cash and bitcoin',
        [],
        2,
      ],
      [
        'the longer name ambiguous: the shorter one still counts',
        dict(['BTC', 'Bitcoin', 1], ['X1', 'Bitcoin Cash', null], ['X2', 'Bitcoin-Cash', null]),
        'Bitcoin Cash',
        [],
        1,
      ],
      [
        'an ambiguous ticker (two unranked owners)',
        dict(['ZZZ', 'Zed One', null], ['ZZZ', 'Zed Two', null]),
        'ZZZ and $ZZZ',
        [],
        0,
      ],
      ['ties on rank go to the first listed', dict(['ZZZ', 'Zed One', 5], ['ZZZ', 'Zed Two', 5]), '$zzz', [], 1],
      [
        'a ticker awaiting review hides behind a confident one',
        dict(['UNI', 'Uniswap', 25], ['UNI', 'Unicorn', 1, true]),
        'UNI up',
        [],
        1,
      ],
      [
        'lower-case $ticker, and $$',
        dict(['BTC', 'Bitcoin', 1], ['ETH', 'Ethereum', 2]),
        'buy $btc and $$ETH now',
        [],
        2,
      ],
      ['the first $ form is the one reported', dict(['SOL', 'Solana', 6]), '$sol then $SOL', [], 1],
      ['a ticker glued to a $ inside a word', dict(['SOL', 'Solana', 6]), 'pay$SOLx and a$SOL', [], 1],
      [
        'two-letter tickers need the $',
        dict(['OP', 'Optimism', 30], ['AI', 'Sleepless AI', 40]),
        'OP and AI and $op',
        [],
        1,
      ],
      [
        'common-word tickers in upper case are weak',
        dict(['GAS', 'Gas', 40], ['ONE', 'Harmony', 41]),
        'GAS ONE',
        [],
        2,
      ],
      ['common-word ticker next to its name', dict(['ONE', 'Harmony', 41]), 'Harmony ONE', [], 1],
      ['ticker followed by a letter or digit', dict(['BTC', 'Bitcoin', 1]), 'BTCs BTC2 xBTC', [], 0],
      [
        'invalid tickers never match',
        dict(['btc', 'Coin A', 1], ['B-TC', 'Coin B', 2], ['ABCDEFGHIJK', 'Coin C', 3], ['ÉTH', 'Coin D', 4]),
        'btc B-TC $ABCDEFGHIJK ÉTH',
        [],
        0,
      ],
      [
        'names with punctuation: words joined by whitespace or hyphens only',
        dict(['PEPE2', 'Pepe 2.0', 9]),
        'Pepe 2.0 / pepe 2-0 / pepe 2 \u00a0 0',
        [],
        1,
      ],
      [
        'a name word glued to a non-ASCII letter still ends there',
        dict(['BTC', 'Bitcoin', 1]),
        'bitcoiné and ébitcoin',
        [],
        1,
      ],
      [
        'accents in the catalog name fold, not in the text',
        dict(['XCN', 'Bítcóin Nôva', 1]),
        'bitcoin nova vs bítcóin nôva',
        [],
        1,
      ],
      [
        'İ lengthens the lower-cased text (indices shift)',
        dict(['ETH', 'Ethereum', 2], ['SOL', 'Solana', 6]),
        'İİ Ethereum and Solana',
        [],
        2,
      ],
      ['the Kelvin sign lower-cases to k', dict(['KAS', 'Kaspa', 30]), '\u212Aaspa \u212AAS', [], 1],
      [
        'dotless ı and long ſ are not i and s',
        dict(['SOL', 'Solana', 6], ['IMX', 'Immutable', 40]),
        '$ſol $ımx',
        [],
        0,
      ],
      [
        'unicode separators between name words',
        dict(['SN', 'Super Nova', 9]),
        'super\u2028nova, super\ufeffnova, super_nova',
        [],
        1,
      ],
      [
        'categories are searched too, after the text',
        dict(['BTC', 'Bitcoin', 1]),
        'nothing',
        ['Markets', 'bitcoin'],
        1,
      ],
      [
        'common-word names only count as tickers',
        dict(['DAI', 'Dai', 26], ['XYZ', 'The Best', 3]),
        'dai and Dai and best',
        [],
        0,
      ],
    ])('%s', (_case, dictionary, text, categories, expectedCount) => {
      const expected = oracle(text, categories, dictionary);
      expect(compiled(text, categories, dictionary)).toEqual(expected);
      // The oracle itself behaves as the case says, so the case tests what it names.
      expect(expected).toHaveLength(expectedCount);
    });
  });

  describe('random catalogs and texts, against the oracle', () => {
    // Small pools so that names, tickers and texts collide often; traps included.
    const WORDS = [
      'bitcoin',
      'cash',
      'wrapped',
      'gas',
      'dai',
      'one',
      'near',
      'protocol',
      'pepe',
      '2',
      '0',
      'ai',
      'the',
      'token',
      'ether',
      'uni',
      'swap',
      'link',
      'chain',
      'sol',
      'ana',
      'x',
      'best',
      'bít',
      'cóin',
      'ſol',
      'ımx',
      'straße',
      'İnu',
      '\u212Aas',
      'ü',
    ];
    const SYMBOLS = [
      'BTC',
      'ETH',
      'DAI',
      'ONE',
      'GAS',
      'UNI',
      'LINK',
      'AI',
      'OP',
      'X',
      'B2',
      '1INCH',
      'SOL',
      'btc',
      'B-TC',
      'ÉTH',
      'ABCDEFGHIJK',
      'NEAR',
      'BEST',
    ];
    const SEPARATORS = [
      ' ',
      '  ',
      '-',
      '--',
      ' - ',
      '\u00a0',
      '\n',
      '\t',
      '_',
      '.',
      ', ',
      '$',
      '$$',
      '/',
      '(',
      ')',
      'é',
      '\u2028',
      '\ufeff',
      '',
    ];
    const NAME_JOINERS = [' ', '-', ' - ', '\u00a0', '.'];
    const caseOf = (word: string, style: number) =>
      style === 0 ? word : style === 1 ? word.toUpperCase() : word[0].toUpperCase() + word.slice(1);

    const assetArb = fc.record({
      words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }),
      joiner: fc.constantFrom(' ', '-', '.', ' & ', ' (', ''),
      style: fc.integer({ min: 0, max: 2 }),
      symbol: fc.oneof(
        fc.constantFrom(...SYMBOLS),
        fc.constantFrom(...WORDS).map((w) => w.toUpperCase()),
      ),
      rank: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
      needsReview: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    });
    const catalogArb = fc.array(assetArb, { minLength: 1, maxLength: 25 }).map((rows) =>
      rows.map((r, i): DictionaryAsset => ({
        id: `a${i}`,
        symbol: r.symbol,
        name: caseOf(r.words.join(r.joiner), r.style),
        rank: r.rank,
        needsReview: r.needsReview,
      })),
    );
    // Texts draw on the pools and on the catalog itself (its names with other separators or case, its
    // tickers bare or with `$`), so that long and short names, overlaps and tickers meet often.
    const textFor = (dictionary: DictionaryAsset[]) => {
      const names = dictionary.map((a) => a.name);
      const symbols = [...SYMBOLS, ...dictionary.map((a) => a.symbol)];
      const tokenArb = fc.oneof(
        fc.tuple(fc.constantFrom(...WORDS), fc.integer({ min: 0, max: 2 })).map(([w, s]) => caseOf(w, s)),
        fc
          .tuple(fc.constantFrom(...names), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...NAME_JOINERS))
          .map(([n, style, sep]) => caseOf(n, style).replace(/ /g, sep)),
        fc.constantFrom(...names),
        fc.constantFrom(...symbols),
        fc.tuple(fc.constantFrom(...symbols), fc.boolean()).map(([sym, low]) => `$${low ? sym.toLowerCase() : sym}`),
      );
      // Mostly plain spaces between tokens, so that names and tickers stand as words; sometimes anything.
      const gapArb = fc.oneof(
        { arbitrary: fc.constant(' '), weight: 3 },
        { arbitrary: fc.constantFrom(...SEPARATORS), weight: 2 },
      );
      return fc.array(fc.tuple(tokenArb, gapArb), { maxLength: 30 }).map((t) => t.flat().join(''));
    };
    const caseArb = catalogArb.chain((dictionary) =>
      fc.tuple(fc.constant(dictionary), textFor(dictionary), fc.array(textFor(dictionary), { maxLength: 2 })),
    );

    it('should find the same mentions as the oracle', () => {
      const seen = { runs: 0, withMentions: 0, names: 0, dollars: 0, weak: 0, hidden: 0 };
      const withoutTickers = (d: DictionaryAsset[]) => d.map((a) => ({ ...a, symbol: '-' }));
      fc.assert(
        fc.property(caseArb, ([dictionary, text, categories]) => {
          const expected = oracle(text, categories, dictionary);
          expect(compiled(text, categories, dictionary)).toEqual(expected);
          seen.runs++;
          if (expected.length > 0) seen.withMentions++;
          seen.names += expected.filter((m) => m.confidence === 0.95).length;
          seen.dollars += expected.filter((m) => m.confidence === 0.9).length;
          seen.weak += expected.filter((m) => m.confidence === 0.6).length;
          // A name found on its own but not among all names: hidden inside a longer name.
          const byName = oracle(text, categories, withoutTickers(dictionary));
          if (
            dictionary.some(
              (a) =>
                !a.needsReview &&
                !byName.some((m) => m.assetId === a.id) &&
                oracle(text, categories, withoutTickers([a])).length > 0,
            )
          ) {
            seen.hidden++;
          }
        }),
        { numRuns: 2000 },
      );
      // The generators hit every rule often, so agreement is not agreement on empty answers.
      expect(seen.withMentions / seen.runs).toBeGreaterThan(0.5);
      expect(Math.min(seen.names, seen.dollars, seen.weak)).toBeGreaterThan(200);
      expect(seen.hidden).toBeGreaterThan(15);
    });

    it('should find the same mentions as the oracle on arbitrary unicode text', () => {
      fc.assert(
        fc.property(catalogArb, fc.string({ unit: 'binary', maxLength: 80 }), (dictionary, text) => {
          expect(compiled(text, [], dictionary)).toEqual(oracle(text, [], dictionary));
        }),
        { numRuns: 1000 },
      );
    });

    it('should give the same answers when one matcher serves many texts', () => {
      const arb = catalogArb.chain((dictionary) =>
        fc.tuple(fc.constant(dictionary), fc.array(textFor(dictionary), { minLength: 2, maxLength: 10 })),
      );
      fc.assert(
        fc.property(arb, ([dictionary, texts]) => {
          const matcher = new MentionMatcher(dictionary);
          for (const text of texts) {
            expect(matcher.find(text, [])).toEqual(oracle(text, [], dictionary));
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
