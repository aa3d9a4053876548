import { pick } from './pick.js';

describe(pick.name, () => {
  it('should copy exactly the listed fields, in their order, and nothing else', () => {
    const row = { id: '1', symbol: 'BTC', rank_key: 7, match_tier: 0 };
    const picked = pick(row, ['symbol', 'id']);
    expect(picked).toEqual({ symbol: 'BTC', id: '1' });
    expect(Object.keys(picked)).toEqual(['symbol', 'id']);
    expect(picked).not.toBe(row);
  });

  it('should keep a listed field whose value is null or undefined', () => {
    expect(pick({ a: null as string | null, b: undefined as number | undefined, c: 1 }, ['a', 'b'])).toEqual({
      a: null,
      b: undefined,
    });
  });
});
