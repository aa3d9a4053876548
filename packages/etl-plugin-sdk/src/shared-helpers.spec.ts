import { assetIdentity } from './asset-identity.js';
import { DeclaredExtractor } from './declared-extractor.js';
import type { ExtractedBatch } from './extractor.interface.js';
import { payloadFields, streamOf } from './payload-fields.js';

describe('payloadFields / streamOf', () => {
  it('should read "<path>:<type>" with "!" required and "?" nullable, in order', () => {
    expect(
      payloadFields('id:string!', 'quotes.USD.price:number!', 'image:string?', 'rank:number', 'roi:object!?'),
    ).toEqual([
      { path: 'id', type: 'string', required: true },
      { path: 'quotes.USD.price', type: 'number', required: true },
      { path: 'image', type: 'string', nullable: true },
      { path: 'rank', type: 'number' },
      { path: 'roi', type: 'object', required: true, nullable: true },
    ]);
  });

  it('should throw on an unreadable entry, naming it', () => {
    expect(() => payloadFields('price:float')).toThrow(/"price:float" is not/);
    expect(() => payloadFields('price')).toThrow(/"price" is not/);
  });

  it('should declare a stream, with no schema when no field is given', () => {
    expect(streamOf('tickers', 'market_quotes', 'id:string!')).toEqual({
      name: 'tickers',
      kind: 'market_quotes',
      expectedSchema: [{ path: 'id', type: 'string', required: true }],
    });
    expect(streamOf('articles', 'news')).toEqual({ name: 'articles', kind: 'news' });
  });
});

describe('assetIdentity', () => {
  it('should give the id as sent, the symbol trimmed and upper-cased, the name trimmed', () => {
    expect(assetIdentity({ id: 'btc-bitcoin', symbol: ' btc ', name: ' Bitcoin ' })).toEqual({
      ok: true,
      asset: { sourceAssetId: 'btc-bitcoin', symbol: 'BTC', name: 'Bitcoin' },
    });
    expect(assetIdentity({ id: 'x', symbol: 'x' })).toEqual({
      ok: true,
      asset: { sourceAssetId: 'x', symbol: 'X', name: null },
    });
  });

  it('should reject a payload without an id or a symbol', () => {
    expect(assetIdentity({ symbol: 'btc' })).toEqual({
      ok: false,
      rejection: { ok: false, reason: 'id and symbol are required' },
    });
    expect(assetIdentity({ id: 'btc', symbol: '  ' })).toEqual({
      ok: false,
      rejection: { ok: false, reason: 'id and symbol are required' },
    });
  });
});

describe('DeclaredExtractor', () => {
  class Plain extends DeclaredExtractor {
    constructor(rate?: number) {
      super({ sourceId: 'plain', streams: [streamOf('s', 'news')], rateLimitPerMinute: rate });
    }
    async *extract(): AsyncIterable<ExtractedBatch> {}
    map() {
      return { ok: false as const, reason: 'none' };
    }
  }

  it('should carry the declaration, and leave undeclared members unset (the engine defaults apply)', () => {
    const plain = new Plain();
    expect(plain.sourceId).toBe('plain');
    expect(plain.streams).toEqual([{ name: 's', kind: 'news' }]);
    expect('rateLimitPerMinute' in plain).toBe(false);
    expect('priority' in plain).toBe(false);
    expect(new Plain(5).rateLimitPerMinute).toBe(5);
  });
});
