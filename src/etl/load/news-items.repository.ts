import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CanonicalNews } from '../extractor/canonical.types.js';
import type { WriteCounts } from './market-quotes.repository.js';

/** A news item as stored: the canonical item of one source, with the hash that tells a changed item. */
export type NewsRow = Omit<CanonicalNews, 'kind'> & { source: string; contentHash: string };

export interface StoredNews {
  newsId: string;
  title: string;
  summary: string | null;
  categories: string[];
}

@Injectable()
export class NewsItemsRepository {
  /**
   * Upserts news on (source, dedupe_key), rewriting only changed items, and returns every item of
   * the batch with its id (so mentions can be linked, including for items already stored). An item
   * this run already wrote (an earlier batch, another feed of the source) counts as `duplicate`.
   */
  async upsertNews(
    manager: EntityManager,
    runId: string,
    rows: NewsRow[],
  ): Promise<{ counts: WriteCounts; items: StoredNews[] }> {
    if (rows.length === 0) return { counts: { inserted: 0, updated: 0, unchanged: 0, duplicate: 0 }, items: [] };
    const params = [
      rows.map((r) => r.source),
      rows.map((r) => r.feedUrl),
      rows.map((r) => r.dedupeKey),
      rows.map((r) => r.guid),
      rows.map((r) => r.title),
      rows.map((r) => r.link),
      rows.map((r) => r.summary),
      rows.map((r) => r.author),
      rows.map((r) => JSON.stringify(r.categories)),
      rows.map((r) => r.publishedAt),
      rows.map((r) => r.contentHash),
      runId,
    ];
    // `seen` reads the table as it was before this statement (one snapshot for every part of a WITH).
    const [counts] = (await manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::jsonb[], $10::timestamptz[], $11::text[])
           AS t(source, feed_url, dedupe_key, guid, title, link, summary, author, categories, published_at,
                content_hash)
       ), seen AS (
         SELECT i.dedupe_key FROM input i
           JOIN news_items n ON n.source = i.source AND n.dedupe_key = i.dedupe_key AND n.run_id = $12::bigint
       ), written AS (
         INSERT INTO news_items AS n (source, feed_url, dedupe_key, guid, title, link, summary, author, categories,
                published_at, content_hash, run_id)
         SELECT t.source, t.feed_url, t.dedupe_key, t.guid, t.title, t.link, t.summary, t.author,
                ARRAY(SELECT jsonb_array_elements_text(t.categories)), t.published_at, t.content_hash, $12::bigint
           FROM input t
         ON CONFLICT (source, dedupe_key) DO UPDATE
           SET feed_url = EXCLUDED.feed_url, guid = EXCLUDED.guid, title = EXCLUDED.title, link = EXCLUDED.link,
               summary = EXCLUDED.summary, author = EXCLUDED.author, categories = EXCLUDED.categories,
               published_at = EXCLUDED.published_at, content_hash = EXCLUDED.content_hash,
               run_id = EXCLUDED.run_id, updated_at = now()
           WHERE n.content_hash <> EXCLUDED.content_hash
         RETURNING dedupe_key, (xmax = 0) AS inserted
       )
       SELECT count(*) FILTER (WHERE w.inserted)::bigint AS inserted,
              count(*) FILTER (WHERE NOT w.inserted AND d.dedupe_key IS NULL)::bigint AS updated,
              (SELECT count(*) FROM seen)::bigint AS duplicate
         FROM written w LEFT JOIN seen d USING (dedupe_key)`,
      params,
    )) as Array<{ inserted: string; updated: string; duplicate: string }>;
    const stored = (await manager.query(
      `SELECT id::text AS "newsId", title, summary, categories FROM news_items WHERE source = $1 AND dedupe_key = ANY($2::text[])`,
      [rows[0].source, rows.map((r) => r.dedupeKey)],
    )) as StoredNews[];
    const [inserted, updated, duplicate] = [Number(counts.inserted), Number(counts.updated), Number(counts.duplicate)];
    const unchanged = rows.length - inserted - updated - duplicate;
    return { counts: { inserted, updated, duplicate, unchanged }, items: stored };
  }
}
