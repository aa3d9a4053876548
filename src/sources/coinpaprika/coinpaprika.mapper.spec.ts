import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJson } from '@kasparro/etl-plugin-sdk';
import { mapCoinPaprikaTicker, paprikaCrosswalkKey } from './coinpaprika.mapper.js';

// Parsed as the extractor parses the wire: numbers stay JsonNumbers.
const fixture = readFileSync(path.join(__dirname, '__fixtures__/coinpaprika_tickers.json'), 'utf8');
const sample = parseJson(fixture) as Array<Record<string, unknown>>;

describe('mapCoinPaprikaTicker', () => {
  it('should map the real BTC sample, prices nested under quotes.USD', () => {
    expect(mapCoinPaprikaTicker(sample[0])).toEqual({
      ok: true,
      record: {
        kind: 'market_quote',
        sourceAssetId: 'btc-bitcoin',
        symbol: 'BTC',
        name: 'Bitcoin',
        rank: 1,
        crosswalkKey: 'btc:bitcoin',
        observedAt: new Date('2025-01-22T17:39:28Z'),
        priceUsd: '104504.64368286531',
        marketCapUsd: '2070620105381',
        volume24hUsd: '56876637294.10885',
        change24hPct: '-2.5',
        circulatingSupply: null,
        totalSupply: '19813666',
        maxSupply: '21000000',
      },
    });
  });

  it('should treat max_supply 0 as uncapped (null) and keep circulating_supply when present', () => {
    const r = mapCoinPaprikaTicker(sample[1]);
    expect(r.ok && r.record.kind === 'market_quote' && [r.record.maxSupply, r.record.circulatingSupply]).toEqual([
      null,
      '118033526',
    ]);
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

  it('should keep every received digit of prices and supplies, and read max_supply 0.0 as uncapped', () => {
    const row = parseJson(`{"id":"x-exact","symbol":"xe","name":"Exact","rank":7,"last_updated":"2025-01-22T17:39:28Z",
      "total_supply":1234567890123456789012345,"max_supply":0.0,"circulating_supply":9876543210987654321.000001,
      "quotes":{"USD":{"price":12345678901.123456789012345,"market_cap":152415787532388367504953515625,
      "volume_24h":0.000000000000000000012345678901234567890,"percent_change_24h":-1.10000000000000000001}}}`) as Record<
      string,
      unknown
    >;

    const r = mapCoinPaprikaTicker(row);

    expect(r.ok && r.record.kind === 'market_quote' && r.record).toMatchObject({
      priceUsd: '12345678901.123456789012345',
      marketCapUsd: '152415787532388367504953515625',
      volume24hUsd: '0.000000000000000000012345678901234567890',
      change24hPct: '-1.10000000000000000001',
      circulatingSupply: '9876543210987654321.000001',
      totalSupply: '1234567890123456789012345',
      maxSupply: null,
      rank: 7,
    });
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
