import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mapRssItem } from './rss.mapper.js';
import { parseRssFeed } from './rss.parser.js';

const xml = readFileSync(path.join(__dirname, '__fixtures__/cointelegraph_rss_sample.xml'), 'utf8');

describe('RSS parsing and mapping', () => {
  const items = parseRssFeed('https://cointelegraph.com/rss', xml);

  it('should parse every item with its categories', () => {
    expect(items).toHaveLength(2);
    expect(items[0].categories).toEqual(['Bitcoin', 'ETF', 'Markets']);
    expect(items[0].creator).toBe('Cointelegraph by Jane Doe');
  });

  it('should map an item: publisher and guid as dedupe key, pubDate to UTC, HTML stripped', () => {
    const r = mapRssItem({ ...items[0] });
    expect(r).toEqual({
      ok: true,
      record: {
        kind: 'news',
        feedUrl: 'https://cointelegraph.com/rss',
        dedupeKey: 'cointelegraph.com|https://cointelegraph.com/news/bitcoin-etf-inflows-three-week-high-btc-96k',
        guid: 'https://cointelegraph.com/news/bitcoin-etf-inflows-three-week-high-btc-96k',
        title: 'Bitcoin ETF inflows hit three-week high as BTC reclaims $96K',
        link: 'https://cointelegraph.com/news/bitcoin-etf-inflows-three-week-high-btc-96k?utm_source=rss_feed&utm_medium=rss&utm_campaign=rss_partner_inbound',
        summary:
          'US spot Bitcoin ETFs recorded their strongest three-week inflow streak of the year as BTC price recovered above $96,000.',
        author: 'Cointelegraph by Jane Doe',
        categories: ['Bitcoin', 'ETF', 'Markets'],
        publishedAt: new Date('2025-09-10T15:38:00.000Z'),
      },
    });
  });

  it('should dedupe by the link without its tracking parameters when there is no guid', () => {
    const r = mapRssItem({ ...items[1], guid: null });
    expect(r.ok && r.record.kind === 'news' && r.record.dedupeKey).toBe(
      'https://cointelegraph.com/news/ethereum-developers-set-date-next-upgrade',
    );
  });

  it('should reject items without title, link or date', () => {
    expect(mapRssItem({ ...items[0], title: null })).toEqual({ ok: false, reason: 'item has no title' });
    expect(mapRssItem({ ...items[0], pubDate: 'someday' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/pubDate "someday" is not a date/),
    });
  });

  it('should fail clearly on truncated XML', () => {
    expect(() => parseRssFeed('https://feed.example/rss', xml.slice(0, xml.length / 2))).toThrow(
      /https:\/\/feed.example\/rss is not well-formed XML/,
    );
  });
});
