import type { FieldSpec, FieldType } from '../extractor/extractor.interface.js';
import { renameConfidence } from './field-similarity.js';
import type { ObservedType } from './payload-paths.js';
import { judgeRename, type RenameRuleOptions, type RenameStatus } from './rename-rule.js';
import type { ValuePair } from './value-plausibility.js';

const DEFAULTS: RenameRuleOptions = {
  policy: 'evolve',
  renameThreshold: 0.8,
  optionalRenameThreshold: 0.9,
  valueFactor: 10,
};

interface Case {
  field: string;
  candidate: string;
  required?: boolean;
  type?: FieldType;
  observed?: ObservedType[];
  /** Ratios candidate/previous of the same assets; undefined = no accepted values yet. */
  ratios?: number[];
  options?: Partial<RenameRuleOptions>;
}

function judge(c: Case) {
  const field: FieldSpec = { path: c.field, type: c.type ?? 'number', required: c.required ?? true };
  const types = new Set<ObservedType>(c.observed ?? [field.type as ObservedType]);
  const values: ValuePair[] = (c.ratios ?? []).map((r, i) => ({
    asset: `asset${i}`,
    previous: 100 * (i + 1),
    candidate: 100 * (i + 1) * r,
  }));
  const similarity = renameConfidence(field, { path: c.candidate, types });
  const options = { ...DEFAULTS, ...c.options };
  return judgeRename({ field, candidate: c.candidate, similarity, observedTypes: types, values }, options);
}

const PLAUSIBLE = [1.01, 0.99, 1.02];

describe(judgeRename.name, () => {
  // Qualifier refusals are checked with a permissive similarity threshold and plausible values, so
  // that the qualifiers alone decide: no similarity, type or value evidence can rescue them.
  describe('qualifiers that change meaning', () => {
    const loose = { renameThreshold: 0, optionalRenameThreshold: 0 };
    it.each<[string, string, string]>([
      ['price', 'price_btc', 'currency'],
      ['current_price', 'current_price_eur', 'currency'],
      ['current_price', 'currentPriceJPY', 'currency'],
      ['quotes.USD.price', 'quotes.BTC.price', 'currency'],
      ['price_usd', 'price_usdt', 'currency'],
      ['price_btc', 'price_sats', 'currency'],
      ['price_eth', 'price_gwei', 'currency'],
      ['market_cap_usd', 'market_cap', 'currency'],
      ['change_24h', 'change_12h', 'window'],
      ['volume_24h', 'volume_7d', 'window'],
      ['percent_change_1h', 'percent_change_24h', 'window'],
      ['price_change_percentage_24h', 'price_change_percentage_7d', 'window'],
      ['price_change_percentage_30d', 'price_change_percentage_1y', 'window'],
      ['volume24h', 'volumeDaily7d', 'window'],
      ['high_24h', 'ath', 'window'],
      ['percent_change_24h', 'change_24h', 'relative'],
      ['change_pct', 'change', 'relative'],
      ['price_change_24h', 'price_change_percentage_24h', 'relative'],
      ['change_24h_percent', 'change_24h_bps', 'relative'],
      ['return_ratio', 'return_pct', 'relative'],
      ['price', 'price_change', 'delta'],
      ['market_cap', 'market_cap_delta', 'delta'],
      ['high_24h', 'low_24h', 'extremum'],
      ['price', 'max_price', 'extremum'],
      ['price', 'avg_price', 'statistic'],
      ['close_price', 'open_price', 'statistic'],
      ['volume_usd', 'volume_usd_mn', 'scale'],
      ['supply', 'supply_k', 'scale'],
      ['best_bid', 'best_ask', 'side'],
      ['rate', 'inverse_rate', 'inverse'],
    ])('should reject %s -> %s (%s differs)', (field, candidate, differing) => {
      const evidence = judge({ field, candidate, ratios: PLAUSIBLE, options: loose });

      expect(evidence.status).toBe('rejected');
      expect(evidence.qualifiers.match).toBe(false);
      expect(evidence.qualifiers.differing).toContain(differing);
      expect(evidence.reason).toMatch(/^qualifiers differ/);
    });

    it.each<[string, string]>([
      ['volume_24h', 'volume_1d'],
      ['change_7d', 'change_1w'],
      ['percent_change_24h', 'pct_change_24h'],
      ['price_change_percentage_24h', 'price_change_24h_%'],
      ['high_24h', 'max_24h'],
      ['volume_daily', 'volume_24h'],
      ['price_usd', 'usd_last_price'],
    ])('should find the same qualifiers in %s and %s', (field, candidate) => {
      expect(judge({ field, candidate, options: loose }).qualifiers.match).toBe(true);
    });
  });

  describe('outcomes', () => {
    // [case, expected status, what the reason says]
    it.each<[string, RenameStatus, RegExp, Case]>([
      [
        'same name, word order, first run',
        'applied',
        /same name/,
        { field: 'volume_24h_usd', candidate: 'volume_usd_24h' },
      ],
      ['same name, camelCase, first run', 'applied', /same name/, { field: 'market_cap', candidate: 'marketCap' }],
      ['same name, camelCase the other way', 'applied', /same name/, { field: 'marketCap', candidate: 'market_cap' }],
      ['same name, snake to camel', 'applied', /same name/, { field: 'current_price', candidate: 'currentPrice' }],
      ['same name, qualifier moved', 'applied', /same name/, { field: 'price_usd', candidate: 'usd_price' }],
      [
        'same name, separator dropped (optional)',
        'applied',
        /same name/,
        { field: 'market_cap', candidate: 'marketcap', required: false },
      ],
      [
        'same name, kebab and dots',
        'applied',
        /same name/,
        { field: 'quotes.USD.percent_change_24h', candidate: 'quotes.USD.percent-change-24h' },
      ],
      [
        'same name, values present and plausible',
        'applied',
        /values plausible/,
        { field: 'current_price', candidate: 'price_current', ratios: PLAUSIBLE },
      ],
      [
        'same name, values 100x off',
        'rejected',
        /values implausible/,
        { field: 'current_price', candidate: 'price_current', ratios: [100, 100, 100] },
      ],
      [
        'same name, all values null',
        'applied',
        /same name/,
        { field: 'current_price', candidate: 'currentPrice', observed: ['null'] },
      ],
      [
        'other name, no history',
        'proposed',
        /no accepted values/,
        { field: 'price', candidate: 'last_price', options: { renameThreshold: 0.5 } },
      ],
      [
        'other name, plausible history',
        'applied',
        /median ratio 1\.01 over 3 assets/,
        { field: 'price', candidate: 'last_price', ratios: PLAUSIBLE, options: { renameThreshold: 0.5 } },
      ],
      [
        'other name, 5x is within the factor',
        'applied',
        /values plausible/,
        { field: 'price', candidate: 'last_price', ratios: [5, 5, 5], options: { renameThreshold: 0.5 } },
      ],
      [
        'other name, 100x',
        'rejected',
        /outside \[0\.1, 10\]/,
        { field: 'price', candidate: 'last_price', ratios: [100, 101, 99], options: { renameThreshold: 0.5 } },
      ],
      [
        'other name, 1/20',
        'rejected',
        /values implausible/,
        { field: 'price', candidate: 'last_price', ratios: [0.05, 0.05], options: { renameThreshold: 0.5 } },
      ],
      [
        'other name, one odd asset of five',
        'applied',
        /median ratio 1 /,
        { field: 'price', candidate: 'last_price', ratios: [1, 1, 1, 1, 500], options: { renameThreshold: 0.5 } },
      ],
      [
        'other name, stricter factor',
        'rejected',
        /outside \[0\.5, 2\]/,
        { field: 'price', candidate: 'last_price', ratios: [3, 3], options: { renameThreshold: 0.5, valueFactor: 2 } },
      ],
      ['plural, required, no history', 'proposed', /names differ/, { field: 'price', candidate: 'prices' }],
      [
        'CSV numeric text, plausible',
        'applied',
        /values plausible/,
        { field: 'price_usd', candidate: 'prices_usd', type: 'string', ratios: PLAUSIBLE },
      ],
      [
        'optional field between the thresholds',
        'rejected',
        /below the optional-field threshold 0\.9/,
        { field: 'circulating_supply', candidate: 'circulating_supp', required: false, ratios: PLAUSIBLE },
      ],
      [
        'the same rename of a required field',
        'applied',
        /values plausible/,
        { field: 'circulating_supply', candidate: 'circulating_supp', ratios: PLAUSIBLE },
      ],
      [
        'optional field above the stricter threshold',
        'applied',
        /values plausible/,
        { field: 'market_cap', candidate: 'market_caps', required: false, ratios: PLAUSIBLE },
      ],
      [
        'optional threshold never below the main one',
        'rejected',
        /threshold 0\.95/,
        {
          field: 'circulating_supply',
          candidate: 'circulating_supp',
          required: false,
          ratios: PLAUSIBLE,
          options: { optionalRenameThreshold: 0.1, renameThreshold: 0.95 },
        },
      ],
      [
        'below the threshold',
        'rejected',
        /similarity .* below the threshold 0\.8/,
        { field: 'current_price', candidate: 'last_px' },
      ],
      [
        'type differs',
        'rejected',
        /type differs: expected number, observed string/,
        { field: 'market_cap', candidate: 'marketCap', observed: ['string'] },
      ],
      [
        'type partly differs',
        'rejected',
        /type differs/,
        {
          field: 'market_cap',
          candidate: 'marketCap',
          observed: ['number', 'boolean'],
          options: { renameThreshold: 0 },
        },
      ],
      [
        'currency wins over a same-looking name',
        'rejected',
        /qualifiers differ \(currency\)/,
        { field: 'current_price', candidate: 'current_price_btc' },
      ],
      [
        'window wins over a high similarity',
        'rejected',
        /qualifiers differ \(window\)/,
        { field: 'volume_24h_usd', candidate: 'volume_12h_usd' },
      ],
      [
        'freeze: nothing is applied',
        'proposed',
        /freeze/,
        { field: 'current_price', candidate: 'price_current', options: { policy: 'freeze' } },
      ],
      [
        'freeze: a refusal stays a refusal',
        'rejected',
        /currency/,
        { field: 'current_price', candidate: 'current_price_btc', options: { policy: 'freeze' } },
      ],
    ])('%s', (_name, status, reason, c) => {
      const evidence = judge(c);

      expect(evidence.status).toBe(status);
      expect(evidence.reason).toMatch(reason);
    });
  });

  it('should show every check in the evidence', () => {
    const evidence = judge({
      field: 'price',
      candidate: 'last_price',
      ratios: [1.01, 0.99, 1.02],
      options: { renameThreshold: 0.5 },
    });

    expect(evidence).toEqual({
      status: 'applied',
      reason: 'values plausible: median ratio 1.01 over 3 assets',
      similarity: 0.556,
      threshold: 0.5,
      threshold_kind: 'required',
      same_name: false,
      qualifiers: { match: true, differing: [], field: [], candidate: [] },
      type: { expected: 'number', observed: ['number'], match: true },
      values: {
        checked: true,
        plausible: true,
        compared: 3,
        median_ratio: 1.01,
        min_ratio: 0.99,
        max_ratio: 1.02,
        factor: 10,
        samples: [
          { asset: 'asset0', previous: 100, candidate: 101, ratio: 1.01 },
          { asset: 'asset1', previous: 200, candidate: 198, ratio: 0.99 },
          { asset: 'asset2', previous: 300, candidate: 306, ratio: 1.02 },
        ],
      },
      policy: 'evolve',
    });
  });
});
