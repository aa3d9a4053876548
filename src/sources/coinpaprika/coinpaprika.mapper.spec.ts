import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mapCoinPaprikaTicker, paprikaCrosswalkKey } from './coinpaprika.mapper.js';

const sample = JSON.parse(readFileSync(path.join(__dirname, '__fixtures__/coinpaprika_tickers.json'), 'utf8')) as Array<Record<string, unknown>>;

describe('mapCoinPaprikaTicker', () => {
  it('should map the real BTC sample, prices nested under quotes.USD', () => {
    expect(mapCoinPaprikaTicker(sample[0])).toEqual({
      ok: true,
      record: {
        kind: 'market_quote', sourceAssetId: 'btc-bitcoin', symbol: 'BTC', name: 'Bitcoin', rank: 1, crosswalkKey: 'btc:bitcoin', observedAt: new Date('2025-01-22T17:39:28Z'),
        priceUsd: '104504.64368286531', marketCapUsd: '2070620105381', volume24hUsd: '56876637294.10885', change24hPct: '-2.5',
        circulatingSupply: null, totalSupply: '19813666', maxSupply: '21000000',
      },
    });
  });

  it('should treat max_supply 0 as uncapped (null) and keep circulating_supply when present', () => {
    const r = mapCoinPaprikaTicker(sample[1]);
    expect(r.ok && r.record.kind === 'market_quote' && [r.record.maxSupply, r.record.circulatingSupply]).toEqual([null, '118033526']);
  });

  it.each([
    [{ ...sample[0], quotes: {} }, /quotes.USD missing/],
    [{ ...sample[0], quotes: { USD: { price: null } } }, /quotes.USD.price missing/],
    [{ ...sample[0], last_updated: null }, /not a timestamp/],
    [{ ...sample[0], symbol: 7 }, /id and symbol are required/],
  ])('should reject a bad ticker with a reason (%#)', (row, reason) => {
    const r = mapCoinPaprikaTicker(row);
    expect(!r.ok && r.reason).toMatch(reason);
  });
});

describe('paprikaCrosswalkKey', () => {
  it.each([
    ['bnb-binance-coin', 'BNB', 'bnb:binancecoin'],
    ['shib-shiba-inu', 'SHIB', 'shib:shibainu'],
    ['gas-gas-2', 'GAS', undefined],
    ['ico-axelar', 'AXL', undefined],
    ['1inch-1inch', '1INCH', '1inch:1inch'],
  ])('should key %s (%s) as %s', (id, symbol, key) => {
    expect(paprikaCrosswalkKey(id, symbol)).toBe(key);
  });
});
