import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { findMentions, type DictionaryAsset } from './mention-matcher.js';

/** Links news items to the assets they mention (see mention-matcher.ts for the rules). */
@Injectable()
export class NewsLinker {
  /**
   * Re-links the news of the last `days` days: assets created after an article was stored (e.g. on
   * the first run, when the news source finished before the market sources) get their mentions.
   */
  async relinkRecent(dataSource: DataSource, days = 7): Promise<number> {
    return dataSource.transaction(async (manager) => {
      const items = (await manager.query(
        `SELECT id::text AS "newsId", title, summary, categories FROM news_items WHERE published_at > now() - make_interval(days => $1) ORDER BY id LIMIT 5000`,
        [days],
      )) as Array<{ newsId: string; title: string; summary: string | null; categories: string[] }>;
      return this.link(manager, items);
    });
  }

  /** Replaces the links of the given items; set-based. Returns the number of mention rows written. */
  async link(manager: EntityManager, items: Array<{ newsId: string; title: string; summary: string | null; categories: string[] }>): Promise<number> {
    if (items.length === 0) return 0;
    const dictionary = (await manager.query(
      `SELECT id, symbol, name, rank, needs_review AS "needsReview" FROM assets`,
    )) as DictionaryAsset[];
    const rows = items.flatMap((item) =>
      findMentions(`${item.title}\n${item.summary ?? ''}`, item.categories, dictionary).map((m) => ({ newsId: item.newsId, ...m })),
    );
    await manager.query(`DELETE FROM news_asset_mentions WHERE news_id = ANY($1::bigint[])`, [items.map((i) => i.newsId)]);
    if (rows.length > 0) {
      await manager.query(
        `INSERT INTO news_asset_mentions (news_id, asset_id, confidence, matched)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::numeric[], $4::text[])`,
        [rows.map((r) => r.newsId), rows.map((r) => r.assetId), rows.map((r) => r.confidence), rows.map((r) => r.matched)],
      );
    }
    return rows.length;
  }
}
