import { mapped, rejected } from './canonical.types.js';
import type { ExtractedBatch, RawRecord } from './extractor.interface.js';
import { inBatches } from './in-batches.js';
import { MappedExtractor } from './mapped-extractor.js';
import { streamOf } from './payload-fields.js';
import { QUOTE_FIGURE_COLUMNS } from './quote-figures.js';
import { priceAndObservedAt } from './quote-price.js';

describe('priceAndObservedAt', () => {
  const fields = (price: unknown, lastUpdated: unknown = '2025-05-02T00:00:00Z') => ({
    price,
    priceField: 'quotes.USD.price',
    lastUpdated,
  });

  it('should give the cleaned price and the instant when both are readable', () => {
    expect(priceAndObservedAt('btc', fields('96518.5'))).toEqual({
      ok: true,
      quote: { priceUsd: '96518.5', observedAt: new Date('2025-05-02T00:00:00Z') },
    });
  });

  it('should reject naming the asset and the price field when the price is missing, unreadable or negative', () => {
    expect(priceAndObservedAt('btc', fields(null))).toEqual({
      ok: false,
      rejection: rejected('btc: quotes.USD.price missing'),
    });
    expect(priceAndObservedAt('btc', fields('abc'))).toEqual({
      ok: false,
      rejection: rejected('btc: quotes.USD.price not a number: "abc"'),
    });
    expect(priceAndObservedAt('btc', fields(-1))).toEqual({ ok: false, rejection: rejected('btc: negative price -1') });
  });

  it('should reject when last_updated is not a timestamp', () => {
    expect(priceAndObservedAt('btc', fields('1', 'soon'))).toEqual({
      ok: false,
      rejection: rejected('btc: last_updated "soon" is not a timestamp'),
    });
  });
});

describe('QUOTE_FIGURE_COLUMNS', () => {
  it('should name every figure in canonical order', () => {
    expect(Object.values(QUOTE_FIGURE_COLUMNS)).toEqual([
      'price_usd',
      'market_cap_usd',
      'volume_24h_usd',
      'change_24h_pct',
      'rank',
      'circulating_supply',
      'total_supply',
      'max_supply',
    ]);
  });
});

describe('inBatches', () => {
  it('should slice in order, the last slice holding the rest, and yield nothing for no items', () => {
    expect([...inBatches([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
    expect([...inBatches([], 2)]).toEqual([]);
  });
});

describe('MappedExtractor', () => {
  class Echo extends MappedExtractor {
    constructor() {
      super({
        sourceId: 'echo',
        streams: [streamOf('s', 'news')],
        mapPayload: (payload, stream) => (payload.ok ? mapped(payload.record as never) : rejected(`no ${stream}`)),
      });
    }
    async *extract(): AsyncIterable<ExtractedBatch> {}
  }

  it('should map a record through the declared mapper, with its stream', () => {
    const record: RawRecord = { naturalKey: 'k', payload: { ok: false } };
    expect(new Echo().map(record, 's')).toEqual(rejected('no s'));
    expect(new Echo().sourceId).toBe('echo');
  });
});
