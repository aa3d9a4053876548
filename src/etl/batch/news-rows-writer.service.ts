import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NewsLinker } from '../../catalog/news-linker.service.js';
import { contentHash } from '../hashing.js';
import type { WriteCounts } from '../load/market-quotes.repository.js';
import { NewsItemsRepository, type NewsRow } from '../load/news-items.repository.js';
import type { RowsWrite } from './batch.types.js';

/** A batch's news items into news_items, each (re)linked to the assets it mentions. */
@Injectable()
export class NewsRowsWriter {
  constructor(
    private readonly news: NewsItemsRepository,
    private readonly newsLinker: NewsLinker,
  ) {}

  async writeNews(manager: EntityManager, { source, runId, rows: { news: items } }: RowsWrite): Promise<WriteCounts> {
    const rows = new Map<string, NewsRow>();
    for (const { news: n } of items) {
      rows.set(n.dedupeKey, {
        source,
        feedUrl: n.feedUrl,
        dedupeKey: n.dedupeKey,
        guid: n.guid,
        title: n.title,
        link: n.link,
        summary: n.summary,
        author: n.author,
        categories: n.categories,
        publishedAt: n.publishedAt,
        contentHash: contentHash([
          n.title,
          n.link,
          n.summary,
          n.author,
          n.categories,
          n.publishedAt.toISOString(),
          n.guid,
          n.feedUrl,
        ]),
      });
    }
    const { counts, items: stored } = await this.news.upsertNews(manager, runId, [...rows.values()]);
    // Every item of the batch is (re)linked: assets that appeared since it was first stored count too.
    await this.newsLinker.link(manager, stored);
    return { ...counts, duplicate: counts.duplicate + (items.length - rows.size) };
  }
}
