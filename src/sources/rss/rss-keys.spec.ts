import { canonicalLink, dedupeKeyOf, isTrackingParameter, publisherOf } from './rss-keys.js';

type Item = { guid?: string | null; link?: string | null; feed?: string };

describe('RSS dedupe keys', () => {
  describe(canonicalLink.name, () => {
    it.each([
      [
        'utm_* parameters',
        'https://news.example/a?utm_source=rss&utm_medium=feed&UTM_Campaign=x',
        'https://news.example/a',
      ],
      ['click ids', 'https://news.example/a?fbclid=1&gclid=2&msclkid=3&dclid=4&yclid=5', 'https://news.example/a'],
      [
        'newsletter and referrer tags',
        'https://news.example/a?mc_cid=1&mc_eid=2&ref=twitter&ref_src=tw&_ga=3',
        'https://news.example/a',
      ],
      ['the fragment', 'https://news.example/a#comments', 'https://news.example/a'],
      [
        'nothing that names the article',
        'https://news.example/article.php?id=1&utm_source=rss',
        'https://news.example/article.php?id=1',
      ],
      [
        'parameters in any order',
        'https://news.example/list?page=2&cat=btc',
        'https://news.example/list?cat=btc&page=2',
      ],
      ['case of scheme and host only', 'HTTPS://News.Example/Path/Case?Q=A', 'https://news.example/Path/Case?Q=A'],
      ['a link that is not a URL', 'not a url?id=1#x', 'not a url?id=1'],
    ])('should drop %s', (_what, link, expected) => {
      expect(canonicalLink(link)).toBe(expected);
    });

    it('should keep parameters that are not tracking ones, even with similar names', () => {
      const kept = ['utm', 'reference', 'referral_code', 'id', 'p'];
      expect(kept.map(isTrackingParameter)).toEqual([false, false, false, false, false]);
      expect(['utm_term', 'Ref', 'FBCLID', 'mc_eid'].map(isTrackingParameter)).toEqual([true, true, true, true]);
    });
  });

  describe(publisherOf.name, () => {
    it.each([
      ['https://www.Cointelegraph.com/news/x', 'cointelegraph.com'],
      ['https://decrypt.co:443/x', 'decrypt.co'],
      ['https://feeds.example.org/rss', 'feeds.example.org'],
      ['no url', undefined],
    ])('should be the host of %s without www.', (link, expected) => {
      expect(publisherOf(link)).toBe(expected);
    });
  });

  describe(dedupeKeyOf.name, () => {
    const key = (i: Item) => dedupeKeyOf(i);

    it.each<[string, Item, Item, boolean]>([
      [
        'two publishers sharing guid 42',
        { guid: '42', link: 'https://a.example/p/42' },
        { guid: '42', link: 'https://b.example/story/42' },
        false,
      ],
      [
        'one publisher, two feeds, same guid',
        { guid: '42', link: 'https://a.example/p/42?utm_source=rss' },
        { guid: '42', link: 'https://a.example/p/42?utm_source=btc' },
        true,
      ],
      [
        'one publisher with and without www.',
        { guid: 'x-1', link: 'https://www.a.example/p' },
        { guid: 'x-1', link: 'https://a.example/p' },
        true,
      ],
      [
        'same publisher, different guids',
        { guid: '1', link: 'https://a.example/p' },
        { guid: '2', link: 'https://a.example/p' },
        false,
      ],
      [
        'guid-less, tracking differs',
        { link: 'https://a.example/p?utm_medium=rss' },
        { link: 'https://a.example/p?fbclid=zz#top' },
        true,
      ],
      [
        'guid-less, article id differs',
        { link: 'https://a.example/article.php?id=1' },
        { link: 'https://a.example/article.php?id=2' },
        false,
      ],
      ['guid-less, same article on two hosts', { link: 'https://a.example/p' }, { link: 'https://b.example/p' }, false],
      [
        'blank guid falls back to the link',
        { guid: '  ', link: 'https://a.example/p?ref=x' },
        { link: 'https://a.example/p' },
        true,
      ],
    ])('%s: same item = %s', (_case, a, b, same) => {
      expect(key(a) === key(b)).toBe(same);
    });

    it('should spell the key as publisher|guid, or the canonical link', () => {
      expect(key({ guid: ' 42 ', link: 'https://www.a.example/p/42' })).toBe('a.example|42');
      expect(key({ guid: '42', link: 'relative/42', feed: 'https://feeds.a.example/rss' })).toBe('feeds.a.example|42');
      expect(key({ link: 'https://a.example/p?utm_source=x&id=7' })).toBe('https://a.example/p?id=7');
      expect(key({ guid: null, link: null })).toBeNull();
    });
  });
});
