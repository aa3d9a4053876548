import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { NewsLinker } from '../../src/catalog/news-linker.service.js';
import { NewsMentionsRepository } from '../../src/catalog/news-mentions.repository.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

type Queryable = Pick<EntityManager, 'query'>;

/** The real repository, counting how often the whole dictionary is read. */
class CountingMentionsRepository extends NewsMentionsRepository {
  dictionaryReads = 0;

  override async loadDictionary(manager: EntityManager) {
    this.dictionaryReads++;
    return super.loadDictionary(manager);
  }
}

/** News linking on real PostgreSQL: one matcher per catalog version, rebuilt when any asset changes. */
describe(NewsLinker.name, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let repo: CountingMentionsRepository;
  let linker: NewsLinker;
  const ids: Record<string, string> = {};

  async function addAsset(q: Queryable, symbol: string, name: string, rank: number | null = null): Promise<string> {
    const id = randomUUID();
    await q.query(`INSERT INTO assets (id, asset_key, symbol, name, rank) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      `${symbol}:${id}`,
      symbol,
      name,
      rank,
    ]);
    ids[symbol] = id;
    return id;
  }

  async function addNews(title: string, summary: string | null = null, daysAgo = 1): Promise<string> {
    const [row] = (await ds.query(
      `INSERT INTO news_items (source, feed_url, dedupe_key, title, link, summary, published_at, content_hash)
       VALUES ('rss', 'http://feed', $1, $2, 'http://x', $3, now() - make_interval(days => $4), 'h')
       RETURNING id::text AS id`,
      [randomUUID(), title, summary, daysAgo],
    )) as Array<{ id: string }>;
    return row.id;
  }

  /** `news id -> sorted symbols` of every stored mention. */
  async function linked(): Promise<Record<string, string[]>> {
    const rows = (await ds.query(
      `SELECT m.news_id::text AS news, a.symbol
         FROM news_asset_mentions m JOIN assets a ON a.id = m.asset_id ORDER BY 1, 2`,
    )) as Array<{ news: string; symbol: string }>;
    const out: Record<string, string[]> = {};
    for (const r of rows) (out[r.news] ??= []).push(r.symbol);
    return out;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 3 })).initialize();
    repo = new CountingMentionsRepository(ds);
    linker = new NewsLinker(repo);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should link recent news and read the dictionary once while the catalog is unchanged', async () => {
    await addAsset(ds, 'BTC', 'Bitcoin', 1);
    await addAsset(ds, 'ETH', 'Ethereum', 2);
    const a = await addNews('Bitcoin and ETH rally');
    const b = await addNews('Solana outage', 'SOL validators restart');
    const old = await addNews('Bitcoin in 2009', null, 30);

    expect(await linker.relinkRecent()).toBe(2);
    expect(await linker.relinkRecent()).toBe(2);
    expect(await linker.relinkRecent()).toBe(2);
    expect(await linked()).toEqual({ [a]: ['BTC', 'ETH'] });
    expect(repo.dictionaryReads).toBe(1);
    expect((await linked())[b]).toBeUndefined();
    expect((await linked())[old]).toBeUndefined();
  });

  it.each<[string, (q: DataSource) => Promise<unknown>, Record<string, string[]>, number]>([
    // Each change touches only columns the matcher reads; none of them bumps updated_at.
    ['an asset inserted', (q) => addAsset(q, 'SOL', 'Solana', 6), { btc: ['BTC', 'ETH'], sol: ['SOL'] }, 1],
    [
      'a review flag set',
      (q) => q.query(`UPDATE assets SET needs_review = true WHERE symbol = 'ETH'`),
      { btc: ['BTC'], sol: ['SOL'] },
      1,
    ],
    // Back to the catalog of two steps ago: that version's matcher is still cached.
    [
      'a review flag cleared',
      (q) => q.query(`UPDATE assets SET needs_review = false WHERE symbol = 'ETH'`),
      { btc: ['BTC', 'ETH'], sol: ['SOL'] },
      0,
    ],
    [
      'a rename',
      (q) => q.query(`UPDATE assets SET name = 'Solana Outage Coin' WHERE symbol = 'SOL'`),
      { btc: ['BTC', 'ETH'], sol: ['SOL'] },
      1,
    ],
    [
      'a ticker change',
      (q) => q.query(`UPDATE assets SET symbol = 'XBT' WHERE symbol = 'ETH'`),
      { btc: ['BTC'], sol: ['SOL'] },
      1,
    ],
    [
      'a rank change that makes a shared ticker ambiguous',
      async (q) => {
        await q.query(`UPDATE assets SET rank = NULL WHERE symbol = 'SOL'`);
        await addAsset(q, 'SOL', 'Sologenic');
      },
      { btc: ['BTC'] },
      1,
    ],
    // Sologenic is then the only SOL: the ticker is no longer ambiguous.
    [
      'an asset deleted',
      (q) => q.query(`DELETE FROM assets WHERE name = 'Solana Outage Coin'`),
      { btc: ['BTC'], sol: ['SOL'] },
      1,
    ],
  ])('should follow the catalog after %s', async (_change, change, expected, dictionaryReads) => {
    const reads = repo.dictionaryReads;
    await change(ds);
    await linker.relinkRecent();
    const [btcNews, solNews] = (await ds.query(
      `SELECT id::text AS id FROM news_items WHERE published_at > now() - interval '7 days' ORDER BY id`,
    )) as Array<{ id: string }>;
    const got = await linked();
    expect({ btc: got[btcNews.id], sol: got[solNews.id] }).toEqual({ btc: expected.btc, sol: expected.sol });
    expect(repo.dictionaryReads).toBe(reads + dictionaryReads);
  });

  it('should link assets a transaction created itself, and forget them when it rolls back', async () => {
    const news = await addNews('Cardano and ADA holders');
    await ds
      .transaction(async (manager) => {
        await addAsset(manager, 'ADA', 'Cardano', 9);
        const item = { newsId: news, title: 'Cardano and ADA holders', summary: null, categories: [] };
        expect(await linker.link(manager, [item])).toBe(1);
        const [row] = (await manager.query(`SELECT count(*)::int AS n FROM news_asset_mentions WHERE news_id = $1`, [
          news,
        ])) as Array<{ n: number }>;
        expect(row.n).toBe(1);
        throw new Error('roll back');
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'));
    // The matcher that knew ADA belongs to a version no committed state has: not used again
    // (it would link to an asset that does not exist and fail on the foreign key).
    await linker.relinkRecent();
    expect((await linked())[news]).toBeUndefined();
  });

  it('should relink thousands of items in one call', async () => {
    await ds.query(
      `INSERT INTO news_items (source, feed_url, dedupe_key, title, link, published_at, content_hash)
       SELECT 'rss', 'http://feed', 'bulk-' || i, 'Bitcoin note ' || i, 'http://x', now() - interval '1 hour', 'h'
         FROM generate_series(1, 3000) i`,
    );
    const before = await linked();
    const written = await linker.relinkRecent();
    const after = await linked();
    expect(Object.keys(after).length - Object.keys(before).length).toBe(3000);
    expect(written).toBe(Object.values(after).reduce((n, s) => n + s.length, 0));
  });
});
