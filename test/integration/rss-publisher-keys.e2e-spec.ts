import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RetryWaitsAndRssPublisherKeys1764300000005 as RssKeysMigration } from '../../migrations/1764300000005-RetryWaitsAndRssPublisherKeys.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { dedupeKeyOf } from '../../src/sources/rss/rss-keys.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase, queryRows } from '../support/database.js';

interface Item {
  title: string;
  link: string;
  guid?: string;
}

function rss(items: Item[]): string {
  const entries = items.map((i) => {
    const guid = i.guid ? `<guid isPermaLink="false">${i.guid}</guid>` : '';
    const link = `<link>${i.link.replace(/&/g, '&amp;')}</link>`;
    return `<item><title>${i.title}</title>${link}${guid}<pubDate>Tue, 10 Sep 2025 15:38:00 +0000</pubDate></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${entries.join('')}</channel></rss>`;
}

/** Three feeds: two of publisher A (sharing an article), one of publisher B (reusing A's guid 42). */
const FEEDS: Record<string, Item[]> = {
  '/a/all.rss': [
    { title: 'A: forty-two', link: 'https://www.a.example/news/42?utm_source=rss&utm_medium=all', guid: '42' },
    { title: 'A: article one', link: 'https://a.example/article.php?id=1&utm_source=rss' },
    { title: 'A: article two', link: 'https://a.example/article.php?id=2&fbclid=abc' },
  ],
  '/a/bitcoin.rss': [
    { title: 'A: forty-two', link: 'https://a.example/news/42?utm_source=rss&utm_medium=all', guid: '42' },
    { title: 'A: article one', link: 'https://a.example/article.php?utm_source=btc&id=1#top' },
  ],
  '/b/feed.rss': [{ title: 'B: its own forty-two', link: 'https://b.example/story/42', guid: '42' }],
};

/** RSS keys per publisher, through the real ETL on real PostgreSQL, fed by loopback feeds. */
describe('RSS items are keyed per publisher', () => {
  let server: Server;
  let base: string;
  let db: TestDatabase;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const items = FEEDS[req.url ?? ''];
      res.writeHead(items ? 200 : 404, { 'content-type': 'application/rss+xml' });
      res.end(items ? rss(items) : 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db?.drop();
  });

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(db.url, text, params);
  }

  it("should keep two publishers' guid 42 apart, a publisher's shared article once, ?id=1 and ?id=2 apart", async () => {
    const feeds = Object.keys(FEEDS)
      .map((p) => base + p)
      .join(',');
    const env = { DATABASE_URL: db.url, ETL_SOURCES: 'rss', RSS_RATE_LIMIT_PER_MIN: '6000', RSS_FEED_URLS: feeds };
    const app: NestFastifyApplication = await createTestApp(env);
    try {
      const first = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['rss'] });
      const second = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['rss'] });

      expect(first.sources.rss).toMatchObject({
        status: 'succeeded',
        totals: { extracted: 6, inserted: 4, quarantined: 0 },
      });
      expect(second.sources.rss.totals).toMatchObject({ extracted: 6, inserted: 0 });
      const rows = await sql<{ dedupe_key: string; title: string }>(
        `SELECT dedupe_key, title FROM news_items ORDER BY dedupe_key`,
      );
      expect(rows).toEqual([
        { dedupe_key: 'a.example|42', title: 'A: forty-two' },
        { dedupe_key: 'b.example|42', title: 'B: its own forty-two' },
        { dedupe_key: 'https://a.example/article.php?id=1', title: 'A: article one' },
        { dedupe_key: 'https://a.example/article.php?id=2', title: 'A: article two' },
      ]);
      const res = await request(app.getHttpServer()).get('/news?limit=100').expect(200);
      expect(res.text).toContain('B: its own forty-two');
    } finally {
      await app.close();
    }
  });

  it('should re-key rows stored under the old bare keys, and back', async () => {
    const ds = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 1 })).initialize();
    const migration = new RssKeysMigration();
    const runner = ds.createQueryRunner();
    try {
      await runner.query(`DELETE FROM news_items`);
      await migration.down(runner);
      // Rows as the previous version stored them: bare guid, or the link without any query string.
      const feedA = 'https://feeds.a.example/rss';
      const old = [
        { source: 'rss', key: '42', guid: '42', link: 'https://www.a.example/news/42?utm_source=rss', feed: feedA },
        {
          source: 'rss',
          key: 'guid-only-feed',
          guid: 'guid-only-feed',
          link: 'not-a-url',
          feed: 'https://feeds.c.example/rss',
        },
        {
          source: 'rss',
          key: 'https://a.example/article.php',
          guid: null,
          link: 'https://a.example/article.php?id=1&utm_source=rss',
          feed: feedA,
        },
        {
          source: 'rss',
          key: 'https://d.example/x',
          guid: '  ',
          link: 'https://d.example/x?ref=tw#c',
          feed: 'https://d.example/rss',
        },
        // Another news source's keys are its own business.
        { source: 'other', key: '42', guid: '42', link: 'https://a.example/y', feed: 'f' },
      ];
      for (const o of old) {
        await runner.query(
          `INSERT INTO news_items (source, feed_url, dedupe_key, guid, title, link, published_at, content_hash)
           VALUES ($1, $2, $3, $4, 't', $5, now(), 'h')`,
          [o.source, o.feed, o.key, o.guid, o.link],
        );
      }

      await migration.up(runner);

      type Row = { source: string; dedupe_key: string; guid: string | null; link: string; feed_url: string };
      const rows = (await runner.query(
        `SELECT source, dedupe_key, guid, link, feed_url FROM news_items ORDER BY id`,
      )) as Row[];
      expect(rows.map((r) => r.dedupe_key)).toEqual([
        'a.example|42',
        'feeds.c.example|guid-only-feed',
        'https://a.example/article.php?id=1',
        'https://d.example/x',
        '42',
      ]);
      // The migration's frozen copy gives the keys today's mapper gives.
      const rss = rows.filter((x) => x.source === 'rss');
      const today = rss.map((r) => dedupeKeyOf({ guid: r.guid, link: r.link, feed: r.feed_url }));
      expect(rss.map((r) => r.dedupe_key)).toEqual(today);
      const columns = (await runner.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_name = 'etl_source_runs' AND column_name LIKE '%wait_ms' ORDER BY column_name`,
      )) as Array<{ column_name: string }>;
      expect(columns.map((c) => c.column_name)).toEqual([
        'backoff_wait_ms',
        'rate_limit_wait_ms',
        'retry_after_wait_ms',
      ]);

      await migration.down(runner);
      const back = (await runner.query(`SELECT dedupe_key FROM news_items ORDER BY id`)) as Array<{
        dedupe_key: string;
      }>;
      expect(back.map((r) => r.dedupe_key)).toEqual([
        '42',
        'guid-only-feed',
        'https://a.example/article.php',
        'https://d.example/x',
        '42',
      ]);
      await migration.up(runner);
    } finally {
      await runner.release();
      await ds.destroy();
    }
  });
});
