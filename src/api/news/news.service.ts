import { Injectable } from '@nestjs/common';
import type { Page } from '../../common/http/envelope.js';
import { newestFirstList } from '../../common/http/keyset-page.js';
import { InvalidInputException } from '../../common/http/validation.js';
import type { NewsItemDto } from './dto/news-item.dto.js';
import type { NewsQueryDto } from './dto/news-query.dto.js';
import { NewsRepository, type NewsPageRow } from './news.repository.js';

@Injectable()
export class NewsService {
  constructor(private readonly repository: NewsRepository) {}

  async list(query: NewsQueryDto): Promise<Page<NewsItemDto>> {
    if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
      throw new InvalidInputException([
        { field: 'from', message: 'from must not be after to' },
        { field: 'to', message: 'to must not be before from' },
      ]);
    }
    const filter = {
      assetId: query.asset_id,
      symbol: query.symbol,
      source: query.source,
      text: query.q,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    };
    const read = (limit: number, after?: [string, string]) => this.repository.listNewsPage(filter, limit, after);
    return newestFirstList({ query, sort: 'news', read, map: toDto });
  }
}

function toDto({ cursor_at: _cursor, ...r }: NewsPageRow): NewsItemDto {
  return { ...r, published_at: new Date(r.published_at).toISOString() };
}
