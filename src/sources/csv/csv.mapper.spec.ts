import { canonicalHeader } from './csv-headers.js';
import type { FileDateOrder } from './csv-dates.js';
import type { FileDecimalMark } from './csv-numbers.js';
import { nameSlug } from './csv-identity.js';
import { mapCsvRow } from './csv.mapper.js';

const row = (o: Record<string, string>) => o;

/** Maps a row; its file's format (what the extractor's first pass settled) given as `_decimal` / `_dates` for brevity. */
function map(input: Record<string, string>) {
  const { _decimal, _dates, ...fields } = input;
  return mapCsvRow(fields, {
    decimal: _decimal as FileDecimalMark | undefined,
    dates: _dates as FileDateOrder | undefined,
  });
}

describe('CSV headers and mapping', () => {
  it.each([
    ['Ticker', 'symbol'],
    ['price', 'price_usd'],
    ['VOL', 'volume_24h_usd'],
    ['date', 'observed_at'],
    ['Market Cap', 'market_cap_usd'],
    ['percent_change_24h', 'change_24h_pct'],
    ['timestamp', 'observed_at'],
    ['title', 'name'],
    ['value', 'price_usd'],
    ['exotic', 'exotic'],
  ])('should normalise header %p to %p', (h, expected) => {
    expect(canonicalHeader(h)).toBe(expected);
  });

  it('should clean the quirky values of a real-world export', () => {
    const r = map(
      row({
        symbol: 'btc',
        price_usd: '$96,518.00',
        volume_24h_usd: '30,334,935,517',
        observed_at: '2025-05-02',
        market_cap_usd: '1916585996993',
      }),
    );
    expect(r).toEqual({
      ok: true,
      record: {
        kind: 'market_quote',
        sourceAssetId: 'BTC',
        symbol: 'BTC',
        name: null,
        rank: null,
        observedAt: new Date('2025-05-02T00:00:00Z'),
        priceUsd: '96518.00',
        marketCapUsd: '1916585996993',
        volume24hUsd: '30334935517',
        change24hPct: null,
        circulatingSupply: null,
        totalSupply: null,
        maxSupply: null,
      },
    });
  });

  it.each([
    // A file whose other dates are day-first.
    [
      {
        symbol: 'ETH',
        price_usd: ' 3138.31 ',
        observed_at: '02/05/2025',
        market_cap_usd: '378,909,719,781',
        _dates: 'dmy',
      },
      '3138.31',
      '2025-05-02T00:00:00.000Z',
    ],
    [{ symbol: 'ETH', price_usd: '3138.31', observed_at: '13/05/2025' }, '3138.31', '2025-05-13T00:00:00.000Z'],
    [
      { symbol: 'SOL', price_usd: '147.25', observed_at: '2025-05-02', market_cap_usd: 'N/A', volume_24h_usd: '' },
      '147.25',
      '2025-05-02T00:00:00.000Z',
    ],
    [{ symbol: 'DOGE', price_usd: '$0.1795', observed_at: '1746230400' }, '0.1795', '2025-05-03T00:00:00.000Z'],
    [
      { source_id: 'btc-bitcoin', name: 'Bitcoin', price_usd: '96518.00', observed_at: '2025-05-02T00:10:25Z' },
      '96518.00',
      '2025-05-02T00:10:25.000Z',
    ],
  ])('should map messy row %#', (input, price, at) => {
    const r = map(input);
    expect(r.ok && r.record.kind === 'market_quote' && [r.record.priceUsd, r.record.observedAt.toISOString()]).toEqual([
      price,
      at,
    ]);
  });

  it.each([
    [
      { symbol: 'DOGE', price_usd: 'not_a_number', observed_at: '2025-05-02' },
      'price_usd: not a number: "not_a_number"',
    ],
    [{ symbol: '', price_usd: '5', observed_at: '2025-05-02' }, 'symbol missing (no symbol/ticker column value)'],
    [{ symbol: 'AVAX', price_usd: '21.4', observed_at: 'someday' }, 'observed_at: unrecognised timestamp "someday"'],
    [{ symbol: 'X', price_usd: '-2', observed_at: '2025-05-02' }, 'price_usd must not be negative: "-2"'],
    [{ symbol: 'X', price_usd: 'N/A', observed_at: '2025-05-02' }, 'price_usd missing for X'],
    [{ symbol: 'X', price_usd: '1', observed_at: '2025-05-02', rank: '1.5' }, 'rank: not an integer: "1.5"'],
    [{ symbol: 'X', price_usd: '1', observed_at: '2025-05-02', rank: '1,5' }, 'rank: not an integer: "1,5"'],
    [
      { symbol: 'X', price_usd: '1,234', observed_at: '2025-05-02' },
      expect.stringMatching(/^price_usd: ambiguous number "1,234": .*neither declared/),
    ],
    [
      { symbol: 'X', price_usd: '1,234', observed_at: '2025-05-02', _decimal: 'mixed' },
      expect.stringMatching(/^price_usd: ambiguous number "1,234": .*mixes/),
    ],
    [
      { symbol: 'X', price_usd: '2,75', observed_at: '2025-05-02', _decimal: '.' },
      'price_usd: not a number in this file\'s decimal point format: "2,75"',
    ],
    [
      { symbol: 'X', price_usd: '1', market_cap_usd: '1.234', observed_at: '2025-05-02' },
      expect.stringMatching(/^market_cap_usd: ambiguous number "1.234"/),
    ],
    [
      { symbol: 'X', price_usd: '1', observed_at: '03/04/2025' },
      expect.stringMatching(/^observed_at: ambiguous date "03\/04\/2025": .*neither declared/),
    ],
    [
      { symbol: 'X', price_usd: '1', observed_at: '04/13/2025', _dates: 'dmy' },
      'observed_at: not a date in this file\'s day/month order (day first): "04/13/2025"',
    ],
  ])('should reject unfixable row %# with a reason', (input, reason) => {
    expect(map(input)).toEqual({ ok: false, reason });
  });

  it.each([
    ['a decimal comma file', { price_usd: '2,75', market_cap_usd: '1.234.567,5', _decimal: ',' }, '2.75', '1234567.5'],
    [
      'an ambiguous value in a decimal comma file',
      { price_usd: '1,234', market_cap_usd: '12', _decimal: ',' },
      '1.234',
      '12',
    ],
    [
      'an ambiguous value in a decimal point file',
      { price_usd: '1,234', market_cap_usd: '1,234.5', _decimal: '.' },
      '1234',
      '1234.5',
    ],
    [
      'values with one reading and no file format',
      { price_usd: '2,75', market_cap_usd: '1,234,567.5' },
      '2.75',
      '1234567.5',
    ],
    [
      'space thousands with a decimal comma',
      { price_usd: '1 234,50', market_cap_usd: '$1 234 567' },
      '1234.50',
      '1234567',
    ],
  ])('should read the numbers of %s without re-scaling them', (_name, values, price, cap) => {
    const r = map({ symbol: 'BTC', observed_at: '2025-05-02', ...values });
    expect(r.ok && r.record.kind === 'market_quote' && [r.record.priceUsd, r.record.marketCapUsd]).toEqual([
      price,
      cap,
    ]);
  });

  it.each([
    ['an id column', { source_id: 'btc-bitcoin', symbol: 'BTC', name: 'Bitcoin' }, 'btc-bitcoin'],
    ['ticker and name', { symbol: 'btc', name: 'Bitcoin' }, 'BTC:bitcoin'],
    ['ticker and a name in other case and spacing', { symbol: 'BTC', name: '  BITCOIN ' }, 'BTC:bitcoin'],
    ['ticker and a name with accents and punctuation', { symbol: 'XTZ', name: 'Tézos (XTZ)' }, 'XTZ:tezos-xtz'],
    ['a shared ticker with another name', { symbol: 'UNI', name: 'Unicorn Token' }, 'UNI:unicorn-token'],
    ['a ticker with no name', { symbol: 'BTC' }, 'BTC'],
    ['a ticker with a blank name', { symbol: 'BTC', name: '  ' }, 'BTC'],
    ['a ticker with a name of punctuation only', { symbol: 'BTC', name: '???' }, 'BTC'],
    ['a blank id column', { source_id: ' ', symbol: 'ETH', name: 'Ethereum' }, 'ETH:ethereum'],
  ])('should key a row with %s by what identifies it', (_name, values, key) => {
    const r = map({ price_usd: '1', observed_at: '2025-05-02', ...values });
    expect(r.ok && r.record.kind === 'market_quote' && r.record.sourceAssetId).toBe(key);
  });

  it.each([
    'Bitcoin',
    'Wrapped Bitcoin',
    'USD Coin',
    'Pepe 2.0',
    'Tézos',
    '  Spaced  Out ',
    'ÆTHER',
    'Gas DAO',
    'a',
    '0x Protocol',
    'Coin-With-Dashes',
    'Über Coin',
    'BTC 2 X',
    'x  y',
    ' lead',
    'trail ',
    '',
  ])('should slug %p the same by the fast path and the general one', (name) => {
    const general = name
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '');
    expect(nameSlug(name)).toBe(general);
  });

  it('should keep symbol and name as before when the key changes', () => {
    const r = map({ symbol: 'uni', name: ' Unicorn Token ', price_usd: '1', observed_at: '2025-05-02' });
    expect(r.ok && r.record.kind === 'market_quote' && [r.record.symbol, r.record.name]).toEqual([
      'UNI',
      'Unicorn Token',
    ]);
  });
});
