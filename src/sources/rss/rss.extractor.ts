import { Inject, Injectable } from '@nestjs/common';
import {
  MappedExtractor,
  SourcePlugin,
  type ExtractContext,
  type ExtractedBatch,
  type RawRecord,
  inBatches,
  streamOf,
} from '@kasparro/etl-plugin-sdk';
import { RssConfig } from './rss.config.js';
import { dedupeKeyOf, mapRssItem } from './rss.mapper.js';
import { parseRssFeed } from './rss.parser.js';

const ARTICLES = streamOf(
  'articles',
  'news',
  'title:string!',
  'link:string!',
  'guid:string?',
  'pubDate:string!',
  'description:string?',
  'creator:string?',
  'categories:array',
  'feed:string!',
);

/**
 * Each feed of RSS_FEED_URLS (Cointelegraph by default). Feeds are small and re-read every run;
 * items are deduplicated by guid, else by link without its query string, so re-reading is free.
 */
@SourcePlugin({ id: 'rss' })
@Injectable()
export class RssExtractor extends MappedExtractor {
  constructor(@Inject(RssConfig) private readonly config: RssConfig) {
    super({ sourceId: 'rss', rateLimitPerMinute: 1, streams: [ARTICLES], mapPayload: mapRssItem });
  }

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const failures: string[] = [];
    for (const feed of this.config.feedUrls) {
      context.signal.throwIfAborted();
      let items;
      try {
        items = parseRssFeed(feed, await context.http.getText(feed, { signal: context.signal }));
      } catch (err) {
        // One broken feed must not hide the others: read the rest, then fail the run with the reason.
        failures.push((err as Error).message);
        continue;
      }
      const feedRecords: RawRecord[] = items.map((item) => ({
        naturalKey: `${feed}|${dedupeKeyOf(item) ?? item.title ?? ''}`,
        payload: { ...item },
      }));
      for (const records of inBatches(feedRecords, context.batchSize)) {
        yield { stream: 'articles', records, cursor: {} };
      }
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
  }
}
