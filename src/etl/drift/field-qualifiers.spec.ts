import { compareQualifiers, nameTokens, qualifiersOf, sameName } from './field-qualifiers.js';

const q = (name: string) => compareQualifiers(qualifiersOf(nameTokens(name)), new Map()).field;

describe('field-qualifiers', () => {
  describe(nameTokens.name, () => {
    it.each<[string, string[]]>([
      ['current_price', ['current', 'price']],
      ['currentPrice', ['current', 'price']],
      ['Current-Price', ['current', 'price']],
      ['quotes.USD.price', ['quotes', 'usd', 'price']],
      ['priceUSDValue', ['price', 'usd', 'value']],
      ['change24hPct', ['change', '24h', 'pct']],
      ['volume_24_hours', ['volume', '24hours']],
      ['24hVolume', ['24h', 'volume']],
      ['change_%', ['change', 'pct']],
      ['sha256', ['sha', '256']],
    ])('should split %s', (name, tokens) => {
      expect(nameTokens(name)).toEqual(tokens);
    });
  });

  describe(qualifiersOf.name, () => {
    it.each<[string, string[]]>([
      ['price', []],
      ['last_price', []],
      ['price_btc', ['currency:btc']],
      ['priceInBitcoin', ['currency:btc']],
      ['price_xbt', ['currency:btc']],
      ['volume_24h_usd', ['currency:usd', 'window:24h']],
      ['change_1d', ['delta:change', 'window:24h']],
      ['percent_change_7d', ['delta:change', 'relative:percent', 'window:168h']],
      ['volume_24_hours', ['window:24h']],
      ['ath_change_percentage', ['delta:change', 'extremum:max', 'relative:percent', 'window:alltime']],
      ['market_cap_rank', []],
      ['total_volume', []],
      ['all_time_high', ['extremum:max', 'window:alltime']],
    ])('should find the qualifiers of %s', (name, qualifiers) => {
      expect(q(name)).toEqual(qualifiers);
    });
  });

  describe(sameName.name, () => {
    it.each<[string, string, boolean]>([
      ['current_price', 'currentPrice', true],
      ['current_price', 'price_current', true],
      ['price_usd', 'usd_price', true],
      ['volume_24h_usd', 'volume_usd_24h', true],
      ['marketcap', 'market_cap', true],
      ['MARKET_CAP', 'market-cap', true],
      ['price', 'prices', false],
      ['price', 'last_price', false],
      ['change_24h', 'change_12h', false],
      ['price_price', 'price', false],
    ])('%s / %s -> %s', (a, b, same) => {
      expect(sameName(a, b)).toBe(same);
    });
  });
});
