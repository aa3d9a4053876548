import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { MentionMatcher, type DictionaryAsset } from '../src/catalog/mention-matcher.js';
import { NewsLinker } from '../src/catalog/news-linker.service.js';
import { NewsMentionsRepository, type NewsToLink } from '../src/catalog/news-mentions.repository.js';
import { buildDataSourceOptions } from '../src/platform/database/database-options.js';
import { runMigrationsLocked } from '../src/platform/database/migration-runner.js';
import { benchServer, freshDatabase, median, serverVersion } from './bench-db.js';
import { findMentionsBaseline } from './news-linking-baseline.js';
import { syntheticCatalog, syntheticNews } from './news-linking-workload.js';
import { appendReport } from './report.js';
import { runMain } from './run-main.js';

const SIZES = (process.env.BENCH_ASSETS ?? '3000,10000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
// The former matcher costs tens of ms per item: a few dozen items per round are enough to time it.
const OLD_ITEMS = Number(process.env.BENCH_OLD_ITEMS ?? 40);
const NEW_ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
const RELINK_ITEMS = Number(process.env.BENCH_RELINK_ITEMS ?? 2000);

const textOf = (n: NewsToLink) => `${n.title}\n${n.summary ?? ''}`;
const fmt = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(', ');
const count = (n: number) => n.toLocaleString('en-US');

function msPerItem(items: readonly NewsToLink[], match: (n: NewsToLink) => unknown): number {
  const started = performance.now();
  for (const n of items) match(n);
  return (performance.now() - started) / items.length;
}

/** Old and new on the same catalog and news, interleaved round by round. */
function cpuRounds(catalog: DictionaryAsset[], news: NewsToLink[]) {
  const oldItems = news.slice(0, OLD_ITEMS);
  const once = new MentionMatcher(catalog);
  // Same answers first: a faster matcher that disagrees would be no result.
  const disagreements = oldItems.filter(
    (n) =>
      !isDeepStrictEqual(findMentionsBaseline(textOf(n), n.categories, catalog), once.find(textOf(n), n.categories)),
  );
  if (disagreements.length > 0) {
    throw new Error(`${disagreements.length} of ${oldItems.length} items: the matchers disagree`);
  }
  const mentions = news.reduce((sum, n) => sum + once.find(textOf(n), n.categories).length, 0) / news.length;
  const old: number[] = [];
  const build: number[] = [];
  const fresh: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    old.push(msPerItem(oldItems, (n) => findMentionsBaseline(textOf(n), n.categories, catalog)));
    const started = performance.now();
    const matcher = new MentionMatcher(catalog);
    build.push(performance.now() - started);
    fresh.push(msPerItem(news, (n) => matcher.find(textOf(n), n.categories)));
  }
  return { old, build, fresh, mentions };
}

async function seed(ds: DataSource, catalog: DictionaryAsset[], news: NewsToLink[]): Promise<void> {
  await ds.query(
    `INSERT INTO assets (id, asset_key, symbol, name, rank, needs_review)
     SELECT id, 'bench:' || id, symbol, name, rank, review
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::boolean[]) AS t(id, symbol, name, rank, review)`,
    [
      catalog.map((a) => a.id),
      catalog.map((a) => a.symbol),
      catalog.map((a) => a.name),
      catalog.map((a) => a.rank),
      catalog.map((a) => a.needsReview),
    ],
  );
  await ds.query(
    `INSERT INTO news_items (source, feed_url, dedupe_key, title, link, summary, categories, published_at, content_hash)
     SELECT 'rss', 'http://feed', 'k' || n, t.title, 'http://x/' || n, t.summary,
            ARRAY(SELECT jsonb_array_elements_text(t.categories)), now() - interval '1 hour', 'h'
       FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS t(title, summary, categories, n)`,
    [news.map((n) => n.title), news.map((n) => n.summary), news.map((n) => JSON.stringify(n.categories))],
  );
  await ds.query('VACUUM ANALYZE');
}

/** End to end on PostgreSQL: NewsLinker.relinkRecent over the stored items, cold then warm. */
async function relinkRounds(adminUrl: string, catalog: DictionaryAsset[], news: NewsToLink[]) {
  const url = await freshDatabase(adminUrl, 'kasparro_bench_news_linking');
  const ds = await new DataSource(buildDataSourceOptions(url, { poolSize: 2 })).initialize();
  try {
    await runMigrationsLocked(ds, { log: () => undefined });
    await seed(ds, catalog, news);
    const repo = new NewsMentionsRepository(ds);
    const versionReads: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await ds.transaction((m) => repo.catalogVersion(m));
      versionReads.push(performance.now() - started);
    }
    const cold: number[] = [];
    const warm: number[] = [];
    const stalls: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      // A new linker has an empty cache: its first relink reads the dictionary and builds the matcher.
      const linker = new NewsLinker(repo);
      let started = performance.now();
      await linker.relinkRecent();
      cold.push(performance.now() - started);
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      started = performance.now();
      await linker.relinkRecent();
      warm.push((performance.now() - started) / news.length);
      loop.disable();
      stalls.push(loop.max / 1e6);
    }
    return { cold, warm, stalls, versionRead: median(versionReads), postgres: await serverVersion(url) };
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  let largest: { catalog: DictionaryAsset[]; old: number } | undefined;
  for (const size of SIZES) {
    const catalog = syntheticCatalog(size);
    const r = cpuRounds(catalog, syntheticNews(NEW_ITEMS, catalog));
    const [old, fresh] = [median(r.old), median(r.fresh)];
    const row = [
      count(size),
      old.toFixed(2),
      fresh.toFixed(4),
      `**${(old / fresh).toFixed(0)}x**`,
      median(r.build).toFixed(1),
      r.mentions.toFixed(1),
      `old ${fmt(r.old, 1)}; new ${fmt(r.fresh, 3)}`,
    ];
    rows.push(row);
    process.stdout.write(`${row.join(' | ')}\n`);
    largest = { catalog, old };
  }
  const { catalog, old } = largest!;
  const server = await benchServer();
  const e = await relinkRounds(server.adminUrl, catalog, syntheticNews(RELINK_ITEMS, catalog, 3)).finally(() =>
    server.stop(),
  );
  const cpu = os.cpus();
  const environment =
    `${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
    `PostgreSQL ${e.postgres} (${server.label})`;
  const notes =
    `End to end on PostgreSQL at ${count(catalog.length)} assets: \`NewsLinker.relinkRecent\` over ` +
    `${count(RELINK_ITEMS)} stored items (read them, match, delete and insert the mentions, one transaction): ` +
    `warm **${median(e.warm).toFixed(3)} ms per item** (rounds ${fmt(e.warm, 3)}); cold, i.e. a new process or a ` +
    `changed catalog (catalog version, dictionary read, matcher build, then the same work), ` +
    `${median(e.cold).toFixed(0)} ms in all (rounds ${fmt(e.cold, 0)}). Catalog version read (the fingerprint ` +
    `query, once per call): ${e.versionRead.toFixed(2)} ms. Longest event-loop stall during a warm relink: ` +
    `${median(e.stalls).toFixed(1)} ms (rounds ${fmt(e.stalls, 1)}); the former linker matched synchronously, so ` +
    `the same relink stalled the loop for about ${count(RELINK_ITEMS)} x ${old.toFixed(1)} ms = ` +
    `${((RELINK_ITEMS * old) / 1000).toFixed(0)} s.`;
  process.stdout.write(`${notes}\n`);
  await appendReport('News linking', {
    method:
      'Synthetic catalogs (bench/news-linking-workload.ts, seeded): made-up names of one to three words with ' +
      'families sharing a base name ("Foo", "Foo Cash", "Wrapped Foo"), 3-5 letter tickers (some shared, some ' +
      'ordinary words), 3 % unranked, 2 % awaiting review; news of a ~10-word title and a ~50-word summary naming ' +
      '1-4 coins by name, `$TICKER` or TICKER, plus categories. Old: the former matcher, one regular expression per ' +
      `name and per ticker built for every item (bench/news-linking-baseline.ts), on ${count(OLD_ITEMS)} items per round. ` +
      `New: \`MentionMatcher\` built once for the catalog, on ${count(NEW_ITEMS)} items per round. Both give identical ` +
      `mentions (checked on the timed old items before timing). ${REPEAT} interleaved round(s), medians.`,
    environment,
    header: [
      'assets',
      'old ms per item',
      'new ms per item',
      'speed-up',
      'new: matcher build ms (once per catalog version)',
      'mentions per item',
      'rounds (ms per item)',
    ],
    rows,
    notes,
  });
}

runMain(main);
