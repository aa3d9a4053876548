import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two changes of the run ledger and the news table, each in its own step:
 *
 * 1. Retry accounting by cause: `rate_limit_wait_ms` now counts only this service's own rate limit;
 *    backoff sleeps and Retry-After waits get their own columns (old rows: 0, their Retry-After waits
 *    stay inside `rate_limit_wait_ms` as they were recorded).
 * 2. RSS dedupe keys per publisher: a guid is unique only within its publisher, so keys become
 *    `<link host without www.>|<guid>`, and a guid-less item's key keeps the link's non-tracking
 *    parameters. Existing RSS rows are re-keyed the same way, so the next run updates them instead of
 *    inserting copies. Articles that the old keys had merged into one row cannot be told apart
 *    afterwards: that row keeps the link it has, and the next run brings the others back.
 *
 * The key functions are copied here, frozen: a migration must give the same result whatever the
 * code becomes later (today they equal src/sources/rss/rss-keys.ts, which a test checks).
 */
export class RetryWaitsAndRssPublisherKeys1764300000005 implements MigrationInterface {
  name = 'RetryWaitsAndRssPublisherKeys1764300000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "etl_source_runs" ADD "backoff_wait_ms" integer NOT NULL DEFAULT '0',
                                     ADD "retry_after_wait_ms" integer NOT NULL DEFAULT '0'`,
    );
    await rekeyRss(queryRunner, (row) => publisherKey(row));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The old keys can collide (that was the bug): keep the most recently updated row of each.
    const rows = (await queryRunner.query(
      `SELECT id::text AS id, guid, link, feed_url FROM news_items
        WHERE source = 'rss' ORDER BY updated_at DESC, id DESC`,
    )) as NewsKeyRow[];
    const seen = new Set<string>();
    const losers = rows.filter((row) => {
      const key = oldKey(row);
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    });
    if (losers.length > 0) {
      await queryRunner.query(`DELETE FROM news_items WHERE id = ANY($1::bigint[])`, [losers.map((r) => r.id)]);
    }
    await rekeyRss(queryRunner, oldKey);
    await queryRunner.query(
      `ALTER TABLE "etl_source_runs" DROP COLUMN "retry_after_wait_ms", DROP COLUMN "backoff_wait_ms"`,
    );
  }
}

interface NewsKeyRow {
  id: string;
  guid: string | null;
  link: string;
  feed_url: string;
}

/** Two passes (unique placeholders first), so no row ever takes a key another row still holds. */
async function rekeyRss(queryRunner: QueryRunner, keyOf: (row: NewsKeyRow) => string): Promise<void> {
  const rows = (await queryRunner.query(
    `SELECT id::text AS id, guid, link, feed_url FROM news_items WHERE source = 'rss' ORDER BY id`,
  )) as NewsKeyRow[];
  if (rows.length === 0) return;
  await queryRunner.query(`UPDATE news_items SET dedupe_key = 'rekey:' || id::text WHERE source = 'rss'`);
  const chunk = 5000;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await queryRunner.query(
      `UPDATE news_items n SET dedupe_key = t.key
         FROM unnest($1::bigint[], $2::text[]) AS t(id, key) WHERE n.id = t.id`,
      [part.map((r) => r.id), part.map(keyOf)],
    );
  }
}

const TRACKING = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  'ref',
  'ref_src',
  'ref_url',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'vero_id',
  'oly_anon_id',
  'oly_enc_id',
]);
const isTracking = (name: string) => name.toLowerCase().startsWith('utm_') || TRACKING.has(name.toLowerCase());

function publisherKey(row: NewsKeyRow): string {
  const link = row.link.trim();
  const guid = row.guid?.trim() ?? '';
  if (!guid) return canonicalLink(link);
  return `${publisherOf(link) ?? publisherOf(row.feed_url) ?? ''}|${guid}`;
}

function canonicalLink(link: string): string {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return link.split('#')[0];
  }
  u.hash = '';
  const kept = [...u.searchParams].filter(([name]) => !isTracking(name));
  kept.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  u.search = kept.length > 0 ? new URLSearchParams(kept).toString() : '';
  return u.toString();
}

function publisherOf(link: string): string | undefined {
  try {
    const host = new URL(link).hostname;
    return host ? host.replace(/^www\./, '') : undefined;
  } catch {
    return undefined;
  }
}

/** The key before this migration: the bare guid, else the link without query string and fragment. */
function oldKey(row: NewsKeyRow): string {
  return row.guid?.trim() ? row.guid.trim() : oldCanonicalLink(row.link.trim());
}

function oldCanonicalLink(link: string): string {
  try {
    const u = new URL(link);
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return link.split(/[?#]/)[0];
  }
}
