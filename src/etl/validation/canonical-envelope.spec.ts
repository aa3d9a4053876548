import type { CanonicalNews, CanonicalQuote } from '../extractor/canonical.types.js';
import {
  decimalViolation,
  integerViolation,
  newsViolation,
  quoteViolation,
  stringViolation,
  timeWindow,
  timestampViolation,
} from './canonical-envelope.js';

const runStartedAt = new Date('2026-01-10T12:00:00Z');
const window = timeWindow(runStartedAt, 86400);

/**
 * The time window's two refusals of a record's instant, as `it.each` rows: `column` names it in the
 * reason, `set` puts an instant in the record, `ahead` and `before` are ISO instants outside the window.
 */
function outsideWindow<T>(
  column: string,
  set: (at: Date) => Partial<T>,
  { ahead, before }: { ahead: string; before: string },
): Array<[string, Partial<T>, RegExp]> {
  const reason = (iso: string, breaks: string) =>
    new RegExp(`^${column}: timestamp ${iso.replace(/\./g, '\\.')} ${breaks}`);
  return [
    [`${column} far ahead`, set(new Date(ahead)), reason(ahead, 'is more than')],
    [`${column} before the window`, set(new Date(before)), reason(before, 'is before')],
  ];
}

const quote = (overrides: Partial<CanonicalQuote> = {}): CanonicalQuote => ({
  kind: 'market_quote',
  sourceAssetId: 'btc-bitcoin',
  symbol: 'BTC',
  name: 'Bitcoin',
  rank: 1,
  observedAt: new Date('2026-01-10T11:00:00Z'),
  priceUsd: '96518.12',
  marketCapUsd: '1900000000000',
  volume24hUsd: '35000000000',
  change24hPct: '-1.25',
  circulatingSupply: '19800000',
  totalSupply: '19800000',
  maxSupply: '21000000',
  ...overrides,
});

const news = (overrides: Partial<CanonicalNews> = {}): CanonicalNews => ({
  kind: 'news',
  feedUrl: 'https://feed.example/rss',
  dedupeKey: 'guid-1',
  guid: 'guid-1',
  title: 'Bitcoin rallies',
  link: 'https://feed.example/a',
  summary: 'Text',
  author: 'Jane',
  categories: ['Bitcoin'],
  publishedAt: new Date('2026-01-10T10:00:00Z'),
  ...overrides,
});

describe('decimalViolation', () => {
  it.each([
    ['96518.12'],
    ['0'],
    ['-0'],
    ['0.00000000'],
    ['1.2e3'],
    ['1.5e+21'],
    ['1e-7'],
    ['+5'],
    ['5.'],
    ['.5'],
    ['1'.repeat(40)],
    [`0.${'0'.repeat(39)}1`],
    ['1e39'],
    ['1e-40'],
    [`${'9'.repeat(20)}.${'9'.repeat(20)}`],
    ['00000000000000000000000042'],
  ])('should accept %s', (value) => {
    expect(decimalViolation('price_usd', value)).toBeNull();
  });

  it.each([
    ['1e999999', /price_usd: decimal magnitude out of range/],
    ['1e-999999', /price_usd: decimal too small/],
    ['1e40', /decimal magnitude out of range/],
    ['1e-41', /decimal too small/],
    ['1.000e-38', /decimal too small/],
    ['1'.repeat(41), /41 significant digits \(at most 40\)/],
    ['9'.repeat(400), /400 significant digits/],
    [`1.${'0'.repeat(40)}1`, /42 significant digits/],
    ['1e99999999999999999999', /magnitude out of range/],
    ['0e-99999', /zero written with an out-of-range exponent/],
    ['NaN', /not a finite decimal "NaN"/],
    ['Infinity', /not a finite decimal/],
    ['-Infinity', /not a finite decimal/],
    ['1,5', /not a finite decimal/],
    [' 5', /not a finite decimal/],
    ['', /not a finite decimal/],
    ['.', /not a finite decimal/],
    ['0x10', /not a finite decimal/],
  ])('should reject %s', (value, reason) => {
    expect(decimalViolation('price_usd', value)).toMatch(reason);
  });

  it('should reject a negative value only where the field must not be negative', () => {
    expect(decimalViolation('price_usd', '-1.5', { nonNegative: true })).toBe('price_usd: negative decimal "-1.5"');
    expect(decimalViolation('price_usd', '-1e2', { nonNegative: true })).toBe('price_usd: negative decimal "-1e2"');
    expect(decimalViolation('change_24h_pct', '-1.5')).toBeNull();
    expect(decimalViolation('price_usd', '-0', { nonNegative: true })).toBeNull();
  });

  it('should cut a long value in the reason', () => {
    expect(decimalViolation('price_usd', `${'1'.repeat(100)}e999`)).toBe(
      'price_usd: decimal with 100 significant digits (at most 40)',
    );
    expect(decimalViolation('price_usd', `1e${'9'.repeat(100)}`)).toMatch(/"1e9{38}…\(102 chars\)"/);
  });
});

describe('integerViolation', () => {
  it.each([[0], [1], [-5], [2_147_483_647], [-2_147_483_648], [null]])('should accept %s', (value) => {
    expect(integerViolation('rank', value)).toBeNull();
  });

  it.each([
    [2_147_483_648, 'rank: integer 2147483648 out of range for integer (int4)'],
    [-2_147_483_649, 'rank: integer -2147483649 out of range for integer (int4)'],
    [99_999_999_999, 'rank: integer 99999999999 out of range for integer (int4)'],
    [1.5, 'rank: not an integer (1.5)'],
    [Number.NaN, 'rank: not an integer (NaN)'],
    [Number.POSITIVE_INFINITY, 'rank: not an integer (Infinity)'],
  ])('should reject %s', (value, reason) => {
    expect(integerViolation('rank', value)).toBe(reason);
  });
});

describe('stringViolation', () => {
  const clean: Array<[string | null]> = [
    ['Bitcoin'],
    [''],
    [null],
    ['emoji 🚀 pair'],
    ['ünïcødé'],
    ['literal \\u0000 text'],
  ];
  it.each(clean)('should accept %j', (v) => {
    expect(stringViolation('name', v)).toBeNull();
  });

  it.each([
    ['Bit\u0000coin', 'name: string contains NUL (U+0000)'],
    ['\u0000', 'name: string contains NUL (U+0000)'],
    ['lone \ud83d high', 'name: string contains an unpaired UTF-16 surrogate'],
    ['lone \ude80 low', 'name: string contains an unpaired UTF-16 surrogate'],
    ['reversed \ude80\ud83d', 'name: string contains an unpaired UTF-16 surrogate'],
  ])('should reject %j', (value, reason) => {
    expect(stringViolation('name', value)).toBe(reason);
  });
});

describe('timestampViolation', () => {
  it.each([['2009-01-03T00:00:00Z'], ['2025-05-01T00:00:00Z'], ['2026-01-11T12:00:00Z']])(
    'should accept %s (run started 2026-01-10T12:00:00Z, skew one day)',
    (value) => {
      expect(timestampViolation('observed_at', new Date(value), window)).toBeNull();
    },
  );

  it.each([
    [
      new Date('2009-01-02T23:59:59.999Z'),
      /observed_at: timestamp 2009-01-02T23:59:59.999Z is before 2009-01-03T00:00:00.000Z/,
    ],
    [new Date('1900-01-01T00:00:00Z'), /is before 2009-01-03/],
    [new Date(0), /1970-01-01T00:00:00.000Z is before/],
    [
      new Date('2026-01-11T12:00:00.001Z'),
      /2026-01-11T12:00:00.001Z is more than 86400 s after the run started \(2026-01-10T12:00:00.000Z; ETL_MAX_/,
    ],
    [new Date('9999-12-31T00:00:00Z'), /is more than 86400 s after/],
    [new Date(Date.UTC(10000, 0, 1)), /\+010000-01-01T00:00:00.000Z is more than/],
    [new Date(8.64e15), /is more than/],
    [new Date(Number.NaN), /observed_at: not a valid timestamp/],
  ])('should reject %s', (value, reason) => {
    expect(timestampViolation('observed_at', value, window)).toMatch(reason);
  });

  it('should measure the future from the run start with the configured skew', () => {
    const strict = timeWindow(runStartedAt, 0);
    expect(timestampViolation('observed_at', runStartedAt, strict)).toBeNull();
    const justAfter = new Date(runStartedAt.getTime() + 1);
    expect(timestampViolation('observed_at', justAfter, strict)).toMatch(/more than 0 s after/);
  });
});

describe('quoteViolation', () => {
  it('should accept a plausible quote', () => {
    expect(quoteViolation(quote(), window)).toBeNull();
    expect(quoteViolation(quote({ name: null, rank: null, marketCapUsd: null, maxSupply: null }), window)).toBeNull();
  });

  it.each<[string, Partial<CanonicalQuote>, RegExp]>([
    ['source id with NUL', { sourceAssetId: 'btc\u0000' }, /^source_asset_id: string contains NUL/],
    ['symbol with NUL', { symbol: 'B\u0000TC' }, /^symbol: string contains NUL/],
    ['name with NUL', { name: 'Bit\u0000coin' }, /^name: string contains NUL/],
    ['name with a lone surrogate', { name: 'Bit\ud800coin' }, /^name: string contains an unpaired/],
    ['price with a huge exponent', { priceUsd: '1e999999' }, /^price_usd: decimal magnitude/],
    ['price with hundreds of digits', { priceUsd: '1'.repeat(300) }, /^price_usd: decimal with 300 significant digits/],
    ['negative price', { priceUsd: '-3' }, /^price_usd: negative decimal/],
    ['negative market cap', { marketCapUsd: '-3' }, /^market_cap_usd: negative/],
    ['volume NaN', { volume24hUsd: 'NaN' }, /^volume_24h_usd: not a finite decimal/],
    ['change beyond range', { change24hPct: '1e50' }, /^change_24h_pct: decimal magnitude/],
    ['rank beyond int4', { rank: 3_000_000_000 }, /^rank: integer 3000000000 out of range/],
    ['fractional rank', { rank: 2.5 }, /^rank: not an integer/],
    ['circulating supply too fine', { circulatingSupply: '1e-60' }, /^circulating_supply: decimal too small/],
    ['total supply Infinity', { totalSupply: 'Infinity' }, /^total_supply: not a finite decimal/],
    ['max supply too large', { maxSupply: '1e45' }, /^max_supply: decimal magnitude/],
    ...outsideWindow<CanonicalQuote>('observed_at', (observedAt) => ({ observedAt }), {
      ahead: '2999-01-01T00:00:00.000Z',
      before: '1900-06-01T00:00:00.000Z',
    }),
    ['invalid timestamp', { observedAt: new Date('nope') }, /^observed_at: not a valid timestamp/],
  ])('should name the field and value class of a %s', (_case, overrides, reason) => {
    expect(quoteViolation(quote(overrides), window)).toMatch(reason);
  });
});

describe('newsViolation', () => {
  it('should accept a plausible item', () => {
    expect(newsViolation(news(), window)).toBeNull();
    expect(newsViolation(news({ guid: null, summary: null, author: null, categories: [] }), window)).toBeNull();
  });

  it.each<[string, Partial<CanonicalNews>, RegExp]>([
    ['dedupe key with NUL', { dedupeKey: 'a\u0000' }, /^dedupe_key: string contains NUL/],
    ['feed url with NUL', { feedUrl: 'https://x/\u0000' }, /^feed_url: string contains NUL/],
    ['guid with NUL', { guid: 'g\u0000' }, /^guid: string contains NUL/],
    ['link with a lone surrogate', { link: 'https://x/\udfff' }, /^link: string contains an unpaired/],
    ['title with NUL', { title: 'Bit\u0000coin' }, /^title: string contains NUL/],
    ['summary with NUL', { summary: '\u0000' }, /^summary: string contains NUL/],
    ['author with NUL', { author: 'J\u0000' }, /^author: string contains NUL/],
    ['category with NUL', { categories: ['ok', 'b\u0000d'] }, /^categories\[1\]: string contains NUL/],
    ...outsideWindow<CanonicalNews>('published_at', (publishedAt) => ({ publishedAt }), {
      ahead: '2100-01-01T00:00:00.000Z',
      before: '2008-10-31T00:00:00.000Z',
    }),
  ])('should name the field and value class of a %s', (_case, overrides, reason) => {
    expect(newsViolation(news(overrides), window)).toMatch(reason);
  });
});
