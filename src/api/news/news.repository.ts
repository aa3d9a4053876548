import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { exactTotal, type ListTotal } from '../../common/sql/list-total.js';
import { newestFirstPage } from '../../common/sql/newest-first-page.js';
import { WhereBuilder } from '../../common/sql/where-builder.js';
import { SourceCountersRepository } from '../../catalog/counters/source-counters.repository.js';
import type { LinkedAssetDto } from './dto/news-item.dto.js';

/** What the news list filters by (validated: `from`/`to` as dates). */
export interface NewsFilter {
  assetId?: string;
  symbol?: string;
  source?: string;
  from?: Date;
  to?: Date;
  /** Case-insensitive text in title or summary. */
  text?: string;
}

export interface NewsPageRow {
  id: string;
  cursor_at: string;
  source: string;
  feed_url: string;
  title: string;
  link: string;
  summary: string | null;
  author: string | null;
  categories: string[];
  published_at: Date;
  assets: LinkedAssetDto[];
}

const NEWS_COLUMNS = `n.source, n.feed_url, n.title, n.link, n.summary, n.author, n.categories, n.published_at,
  coalesce((SELECT json_agg(json_build_object('id', a.id, 'symbol', a.symbol, 'name', a.name, 'confidence', m.confidence::float8, 'matched', m.matched) ORDER BY m.confidence DESC, a.symbol)
              FROM news_asset_mentions m JOIN assets a ON a.id = m.asset_id WHERE m.news_id = n.id), '[]') AS assets`;

@Injectable()
export class NewsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: SourceCountersRepository,
  ) {}

  /** One newest-first page of news with the assets each mentions, and the total for the same filters. */
  listNewsPage(
    f: NewsFilter,
    limit: number,
    after?: [string, string],
  ): Promise<{ rows: NewsPageRow[]; total: ListTotal }> {
    const pattern = f.text ? `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    const where = new WhereBuilder()
      .addIf(f.source, 'n.source = ?')
      .addIf(f.assetId, 'EXISTS (SELECT 1 FROM news_asset_mentions m WHERE m.news_id = n.id AND m.asset_id = ?::uuid)')
      .addIf(
        f.symbol,
        `EXISTS (SELECT 1 FROM news_asset_mentions m JOIN assets a ON a.id = m.asset_id
                               WHERE m.news_id = n.id AND a.symbol = upper(?))`,
      )
      .addIf(f.from, 'n.published_at >= ?')
      .addIf(f.to, 'n.published_at < ?');
    if (pattern) where.add('(n.title ILIKE ? OR n.summary ILIKE ?)', pattern, pattern);
    // Per source only (or unfiltered): the counters kept with every batch; otherwise a bounded count.
    const perSourceOnly = !f.assetId && !f.symbol && !f.from && !f.to && !pattern;
    const counted = perSourceOnly
      ? async () => exactTotal(await this.counters.total('news_items', f.source))
      : undefined;
    return newestFirstPage<NewsPageRow>(this.dataSource, {
      table: 'news_items n',
      keyset: { at: 'n.published_at', id: 'n.id' },
      columns: NEWS_COLUMNS,
      where,
      limit,
      after,
      knownTotal: counted,
    });
  }
}
