import type { FixtureCoin } from './coins.js';

/** Small deterministic price difference per provider, so cross-source spreads are realistic (< 1%). */
function skew(price: number, factor: number): number {
  return Number((price * factor).toPrecision(10));
}

export function paprikaTicker(coin: FixtureCoin, at: string): Record<string, unknown> {
  const price = skew(coin.price, 1.0021);
  const supply = Math.round(1e9 / Math.max(coin.rank, 1));
  return {
    id: coin.paprikaId,
    name: coin.paprikaName ?? coin.name,
    symbol: coin.symbol,
    rank: coin.rank,
    total_supply: supply,
    max_supply: coin.maxSupply ?? 0,
    beta_value: 1.02,
    first_data_at: '2018-01-01T00:00:00Z',
    last_updated: at,
    quotes: {
      USD: {
        price,
        volume_24h: Number((price * supply * 0.03).toFixed(2)),
        volume_24h_change_24h: -3.1,
        market_cap: Math.round(price * supply),
        market_cap_change_24h: 1.2,
        percent_change_15m: 0.1,
        percent_change_1h: 0.3,
        percent_change_24h: Number((((coin.rank * 37) % 11) - 5 + 0.25).toFixed(2)),
        percent_change_7d: 2.2,
        ath_price: price * 1.5,
        ath_date: '2025-01-20T07:11:03Z',
        percent_from_price_ath: -33.3,
      },
    },
  };
}

export function geckoMarket(coin: FixtureCoin, at: string): Record<string, unknown> {
  const price = skew(coin.price, 0.9987);
  const supply = Math.round(1e9 / Math.max(coin.rank, 1));
  return {
    id: coin.geckoId,
    symbol: coin.symbol.toLowerCase(),
    name: coin.name,
    image: `https://coin-images.example/${coin.geckoId}.png`,
    current_price: price,
    market_cap: Math.round(price * supply),
    market_cap_rank: coin.rank,
    fully_diluted_valuation: null,
    total_volume: Math.round(price * supply * 0.031),
    high_24h: price * 1.02,
    low_24h: price * 0.97,
    price_change_24h: price * 0.01,
    price_change_percentage_24h: Number((((coin.rank * 37) % 11) - 5).toFixed(2)),
    market_cap_change_24h: 1000,
    market_cap_change_percentage_24h: 1.1,
    circulating_supply: supply,
    total_supply: supply,
    max_supply: coin.maxSupply,
    ath: price * 1.5,
    ath_change_percentage: -33.3,
    ath_date: '2025-01-20T09:11:54.494Z',
    atl: price / 100,
    atl_change_percentage: 9900,
    atl_date: '2013-07-06T00:00:00.000Z',
    roi: null,
    last_updated: at,
  };
}

const HEADLINES: Array<(a: FixtureCoin, b: FixtureCoin) => string> = [
  (a) => `${a.name} price climbs as ETF inflows hit a three-week high`,
  (a, b) => `${a.name} and ${b.name} lead a broad crypto market recovery`,
  (a) => `Analysts say $${a.symbol} could retest its all-time high`,
  (a) => `${a.name} developers set date for next network upgrade`,
  () => `Daily market recap: traders brace for the Fed decision`,
  (a) => `Whales accumulate ${a.symbol} as exchange reserves drop`,
];

/** One fixture feed: its name (in titles and links), the coins its headlines name, and the newest item's time. */
export interface RssFeedOptions {
  feedName: string;
  coins: FixtureCoin[];
  /** Items are an hour apart, newest first at this time. */
  at: Date;
  /** Default 30. */
  count?: number;
}

export function rssFeed({ feedName, coins, at, count = 30 }: RssFeedOptions): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = coins[i % Math.min(coins.length, 40)];
    const b = coins[(i * 7 + 3) % Math.min(coins.length, 40)];
    const title = HEADLINES[i % HEADLINES.length](a, b);
    const slug = `${feedName}-${i}-${title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')}`;
    const pub = new Date(at.getTime() - i * 3_600_000).toUTCString().replace('GMT', '+0000');
    items.push(`    <item>
      <title><![CDATA[${title}]]></title>
      <link>https://cointelegraph.example/news/${slug}?utm_source=rss_feed&amp;utm_medium=rss</link>
      <guid isPermaLink="false">https://cointelegraph.example/news/${slug}</guid>
      <dc:creator><![CDATA[Cointelegraph by Fixture Author]]></dc:creator>
      <pubDate>${pub}</pubDate>
      <category><![CDATA[${a.name}]]></category>
      <category><![CDATA[Markets]]></category>
      <description><![CDATA[<p><img src="https://images.example/${i}.jpg"></p><p>${title}. Market participants watched ${a.name} closely &amp; more.</p>]]></description>
    </item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>Cointelegraph.com News (fixture ${feedName})</title>
    <link>https://cointelegraph.example</link>
    <description>Fixture feed</description>
${items.join('\n')}
  </channel>
</rss>
`;
}
