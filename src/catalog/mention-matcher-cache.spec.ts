import { MentionMatcherCache } from './mention-matcher-cache.js';
import { MentionMatcher } from './mention-matcher.js';

const matcherOf = (name: string) =>
  new MentionMatcher([{ id: name, symbol: 'ZZZ', name, rank: 1, needsReview: false }]);

describe(MentionMatcherCache.name, () => {
  it('should return the matcher stored for a version and nothing for an unknown one', () => {
    const cache = new MentionMatcherCache(2);
    const m = matcherOf('alpha');
    cache.put('v1', m);
    expect(cache.get('v1')).toBe(m);
    expect(cache.get('v2')).toBeUndefined();
  });

  it('should evict the least recently used version beyond its capacity', () => {
    const cache = new MentionMatcherCache(2);
    const [a, b, c] = [matcherOf('alpha'), matcherOf('beta'), matcherOf('gamma')];
    cache.put('a', a);
    cache.put('b', b);
    expect(cache.get('a')).toBe(a); // a is now the most recently used
    cache.put('c', c);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([a, undefined, c]);
    expect(cache.size).toBe(2);
  });

  it('should replace the matcher of a version stored again', () => {
    const cache = new MentionMatcherCache(2);
    const [a, b] = [matcherOf('alpha'), matcherOf('beta')];
    cache.put('v', a);
    cache.put('v', b);
    expect(cache.get('v')).toBe(b);
    expect(cache.size).toBe(1);
  });
});
