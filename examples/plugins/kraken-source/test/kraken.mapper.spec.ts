import { decimalProduct } from '../src/decimal-product.js';
import { mapKrakenTicker } from '../src/kraken.mapper.js';
import { usdBaseSymbol } from '../src/kraken.symbols.js';

describe('kraken mapper', () => {
  it.each([
    ['XXBTZUSD', 'BTC'],
    ['XETHZUSD', 'ETH'],
    ['SOLUSD', 'SOL'],
    ['XDGUSD', 'DOGE'],
    ['XXBTZEUR', null],
    ['ETHUSDT', null],
  ])('should read the USD base of %s as %s', (pair, symbol) => {
    expect(usdBaseSymbol(pair)).toBe(symbol);
  });

  it('should multiply decimals exactly', () => {
    expect(decimalProduct('2345.67890123', '93811.20001')).toBe('220050952.5625245650123');
    expect(decimalProduct('0.5', '4')).toBe('2');
    expect(decimalProduct('0.001', '0.002')).toBe('0.000002');
  });

  it('should map a ticker to a quote and reject an unreadable price with the pair named', () => {
    const ticker = { c: ['94120.10000', '0.005'], v: ['1', '2'], p: ['10', '10.5'], o: '93422.3' };
    const ok = mapKrakenTicker({ pair: 'XXBTZUSD', ticker, observed_at: '2026-12-01T00:00:00.000Z' });
    expect(ok).toMatchObject({
      ok: true,
      record: { symbol: 'BTC', name: 'Bitcoin', priceUsd: '94120.10000', volume24hUsd: '21', change24hPct: null },
    });
    const bad = mapKrakenTicker({
      pair: 'XDGUSD',
      ticker: { ...ticker, c: ['n/a?'] },
      observed_at: '2026-12-01T00:00:00.000Z',
    });
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/^pair XDGUSD: last trade price c\[0\]/) });
  });
});
