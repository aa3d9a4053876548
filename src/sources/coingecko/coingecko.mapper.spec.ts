import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJson } from '@kasparro/etl-plugin-sdk';
import { geckoCrosswalkKey, mapCoinGeckoMarket } from './coingecko.mapper.js';

// Parsed as the extractor parses the wire: numbers stay JsonNumbers.
const fixture = readFileSync(path.join(__dirname, '__fixtures__/coingecko_coins_markets.json'), 'utf8');
const sample = parseJson(fixture) as Array<Record<string, unknown>>;

describe('mapCoinGeckoMarket', () => {
  it('should map the real BTC sample exactly', () => {
    expect(mapCoinGeckoMarket(sample[0])).toEqual({
      ok: true,
      record: {
        kind: 'market_quote',
        sourceAssetId: 'bitcoin',
        symbol: 'BTC',
        name: 'Bitcoin',
        rank: 1,
        crosswalkKey: 'btc:bitcoin',
        observedAt: new Date('2025-05-02T00:10:25.889Z'),
        priceUsd: '96518',
        marketCapUsd: '1916585996993',
        volume24hUsd: '30334935517',
        change24hPct: '2.3665',
        circulatingSupply: '19858746',
        totalSupply: '19858746',
        maxSupply: '21000000',
      },
    });
  });

  it('should keep a null max_supply (ETH sample) as null', () => {
    const r = mapCoinGeckoMarket(sample[1]);
    expect(
      r.ok && r.record.kind === 'market_quote' && [r.record.symbol, r.record.maxSupply, r.record.priceUsd],
    ).toEqual(['ETH', null, '3138.31']);
  });

  it.each([
    [{ ...sample[0], current_price: null }, /current_price missing/],
    [{ ...sample[0], current_price: 'abc' }, /current_price not a number/],
    [{ ...sample[0], current_price: -1 }, /negative price/],
    [{ ...sample[0], last_updated: 'soon' }, /last_updated "soon" is not a timestamp/],
    [{ ...sample[0], id: undefined }, /id and symbol are required/],
  ])('should reject a bad row with a reason (%#)', (row, reason) => {
    const r = mapCoinGeckoMarket(row);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('should accept a price served as a numeric string (type drift)', () => {
    const r = mapCoinGeckoMarket({ ...sample[0], current_price: '96518.5' });
    expect(r.ok && r.record.kind === 'market_quote' && r.record.priceUsd).toBe('96518.5');
  });

  it('should keep every received digit of prices and supplies', () => {
    const row = parseJson(`{"id":"exact","symbol":"xe","name":"Exact","market_cap_rank":7,
      "last_updated":"2025-05-02T00:10:25.889Z",
      "current_price":12345678901.123456789012345,"market_cap":152415787532388367504953515625,"total_volume":1E+25,
      "price_change_percentage_24h":2.00000000000000000001,"circulating_supply":1234567890123456789012345,
      "total_supply":1234567890123456789012345.5,"max_supply":21000000.000000000000000001}`) as Record<string, unknown>;

    const r = mapCoinGeckoMarket(row);

    expect(r.ok && r.record.kind === 'market_quote' && r.record).toMatchObject({
      priceUsd: '12345678901.123456789012345',
      marketCapUsd: '152415787532388367504953515625',
      volume24hUsd: '1E+25',
      change24hPct: '2.00000000000000000001',
      circulatingSupply: '1234567890123456789012345',
      totalSupply: '1234567890123456789012345.5',
      maxSupply: '21000000.000000000000000001',
      rank: 7,
    });
  });
});

describe('geckoCrosswalkKey', () => {
  it.each([
    ['binancecoin', 'BNB', 'bnb:binancecoin'],
    ['shiba-inu', 'SHIB', 'shib:shibainu'],
    ['avalanche-2', 'AVAX', undefined],
    ['gas-2', 'GAS', undefined],
    ['chain-2', 'XCN', undefined],
  ])('should key %s (%s) as %s, never stripping a numeric suffix', (id, symbol, key) => {
    expect(geckoCrosswalkKey(id, symbol)).toBe(key);
  });
});
