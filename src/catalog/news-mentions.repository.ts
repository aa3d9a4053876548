import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { DictionaryAsset, Mention } from './mention-matcher.js';

/** A stored news item, as much of it as mention matching reads. */
export interface NewsToLink {
  newsId: string;
  title: string;
  summary: string | null;
  categories: string[];
}

export interface NewsMentionRow extends Mention {
  newsId: string;
}

// The catalog version is a fingerprint of exactly what the matcher reads (every asset's id, symbol,
// name, rank and review flag), so any writer (identity, admin merges and splits, a future migration)
// changes it without having to remember to. An order-free sum of 64-bit hashes: one scan of the
// assets table inside PostgreSQL, a few milliseconds at 10,000 assets, and no rows sent.
const CATALOG_VERSION = `count(*)::text || ':' || coalesce(sum(hashtextextended(
  concat_ws(chr(31), id::text, symbol, name, coalesce(rank::text, ''), needs_review::text), 0)), 0)::text`;

// What an operator's merge moved (`manual` source ids) under names or symbols other than its asset's:
// aliases of that asset for matching. An empty symbol or name contributes nothing to the matcher.
const ALIASES = `SELECT DISTINCT a.id,
         CASE WHEN upper(m.symbol) <> a.symbol THEN upper(m.symbol) ELSE '' END AS symbol,
         CASE WHEN lower(coalesce(m.name, '')) <> lower(a.name) THEN m.name ELSE '' END AS name,
         a.rank, a.needs_review
    FROM asset_source_ids m JOIN assets a ON a.id = m.asset_id
   WHERE m.match_method = 'manual' AND (upper(m.symbol) <> a.symbol OR lower(coalesce(m.name, '')) <> lower(a.name))`;
const DICTIONARY_VERSION = `(SELECT ${CATALOG_VERSION} FROM assets) || ':' || (SELECT count(*)::text || ':'
  || coalesce(sum(hashtextextended(concat_ws(chr(31), id::text, symbol, name), 0)), 0)::text FROM aliases)`;

@Injectable()
export class NewsMentionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One transaction: the news read, the dictionary and the mentions written see one snapshot. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The fingerprint of the asset dictionary as this transaction sees it. */
  async catalogVersion(manager: EntityManager): Promise<string> {
    const sql = `WITH aliases AS (${ALIASES}) SELECT ${DICTIONARY_VERSION} AS version`;
    const [row] = (await manager.query(sql)) as Array<{ version: string }>;
    return row.version;
  }

  /**
   * The dictionary and its version, read by one statement so that both come from one snapshot. An
   * operator's merge keeps what the absorbed coin was called: the symbol and name of each source id
   * an operator moved (`manual`) are aliases of its asset where they differ from the asset's own, so
   * a re-link still finds "Polygon" / "$MATIC" after MATIC was merged into POL.
   */
  async loadDictionary(manager: EntityManager): Promise<{ version: string; assets: DictionaryAsset[] }> {
    const [row] = (await manager.query(
      `WITH aliases AS (${ALIASES}),
       dictionary AS (
         SELECT id, symbol, name, rank, needs_review FROM assets
         UNION ALL
         SELECT id, symbol, name, rank, needs_review FROM aliases)
       SELECT ${DICTIONARY_VERSION} AS version,
              coalesce(json_agg(json_build_object('id', id, 'symbol', symbol, 'name', name, 'rank', rank,
                'needsReview', needs_review)), '[]'::json) AS assets
         FROM dictionary`,
    )) as Array<{ version: string; assets: DictionaryAsset[] }>;
    return row;
  }

  /** The news published in the last `days` days, oldest id first (at most `limit`). */
  async listRecentNews(manager: EntityManager, params: { days: number; limit: number }): Promise<NewsToLink[]> {
    return (await manager.query(
      `SELECT id::text AS "newsId", title, summary, categories
         FROM news_items WHERE published_at > now() - make_interval(days => $1) ORDER BY id LIMIT $2`,
      [params.days, params.limit],
    )) as NewsToLink[];
  }

  /** Replaces every mention of the given items by `rows` (set-based). */
  async replaceMentions(manager: EntityManager, newsIds: string[], rows: NewsMentionRow[]): Promise<void> {
    await manager.query(`DELETE FROM news_asset_mentions WHERE news_id = ANY($1::bigint[])`, [newsIds]);
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO news_asset_mentions (news_id, asset_id, confidence, matched)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::numeric[], $4::text[])`,
      [
        rows.map((r) => r.newsId),
        rows.map((r) => r.assetId),
        rows.map((r) => r.confidence),
        rows.map((r) => r.matched),
      ],
    );
  }
}
