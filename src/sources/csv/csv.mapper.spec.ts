import { canonicalHeader } from './csv-headers.js';
import { mapCsvRow } from './csv.mapper.js';

const row = (o: Record<string, string>) => o;

describe('CSV headers and mapping', () => {
  it.each([
    ['Ticker', 'symbol'], ['price', 'price_usd'], ['VOL', 'volume_24h_usd'], ['date', 'observed_at'], ['Market Cap', 'market_cap_usd'],
    ['percent_change_24h', 'change_24h_pct'], ['timestamp', 'observed_at'], ['title', 'name'], ['value', 'price_usd'], ['exotic', 'exotic'],
  ])('should normalise header %p to %p', (h, expected) => {
    expect(canonicalHeader(h)).toBe(expected);
  });

  it('should clean the quirky values of a real-world export', () => {
    const r = mapCsvRow(row({ symbol: 'btc', price_usd: '$96,518.00', volume_24h_usd: '30,334,935,517', observed_at: '2025-05-02', market_cap_usd: '1916585996993' }));
    expect(r).toEqual({
      ok: true,
      record: {
        kind: 'market_quote', sourceAssetId: 'BTC', symbol: 'BTC', name: null, rank: null, observedAt: new Date('2025-05-02T00:00:00Z'),
        priceUsd: '96518.00', marketCapUsd: '1916585996993', volume24hUsd: '30334935517', change24hPct: null, circulatingSupply: null, totalSupply: null, maxSupply: null,
      },
    });
  });

  it.each([
    [{ symbol: 'ETH', price_usd: ' 3138.31 ', observed_at: '02/05/2025', market_cap_usd: '378,909,719,781' }, '3138.31', '2025-05-02T00:00:00.000Z'],
    [{ symbol: 'SOL', price_usd: '147.25', observed_at: '2025-05-02', market_cap_usd: 'N/A', volume_24h_usd: '' }, '147.25', '2025-05-02T00:00:00.000Z'],
    [{ symbol: 'DOGE', price_usd: '$0.1795', observed_at: '1746230400' }, '0.1795', '2025-05-03T00:00:00.000Z'],
    [{ source_id: 'btc-bitcoin', name: 'Bitcoin', price_usd: '96518.00', observed_at: '2025-05-02T00:10:25Z' }, '96518.00', '2025-05-02T00:10:25.000Z'],
  ])('should map messy row %#', (input, price, at) => {
    const r = mapCsvRow(input);
    expect(r.ok && r.record.kind === 'market_quote' && [r.record.priceUsd, r.record.observedAt.toISOString()]).toEqual([price, at]);
  });

  it.each([
    [{ symbol: 'DOGE', price_usd: 'not_a_number', observed_at: '2025-05-02' }, 'price_usd: not a number: "not_a_number"'],
    [{ symbol: '', price_usd: '5', observed_at: '2025-05-02' }, 'symbol missing (no symbol/ticker column value)'],
    [{ symbol: 'AVAX', price_usd: '21.4', observed_at: 'someday' }, 'observed_at: unrecognised timestamp "someday"'],
    [{ symbol: 'X', price_usd: '-2', observed_at: '2025-05-02' }, 'price_usd must not be negative: "-2"'],
    [{ symbol: 'X', price_usd: 'N/A', observed_at: '2025-05-02' }, 'price_usd missing for X'],
    [{ symbol: 'X', price_usd: '1', observed_at: '2025-05-02', rank: '1.5' }, 'rank: not an integer: "1.5"'],
  ])('should reject unfixable row %# with a reason', (input, reason) => {
    expect(mapCsvRow(input)).toEqual({ ok: false, reason });
  });
});
