import { convert } from 'html-to-text';
import { shown, parseTimestamp, mapped, rejected, type MapResult } from '@kasparro/etl-plugin-sdk';
import { dedupeKeyOf } from './rss-keys.js';

export { canonicalLink, dedupeKeyOf } from './rss-keys.js';

/**
 * RSS item -> news: publisher + guid, or the canonical link, as dedupe key (rss-keys.ts), pubDate
 * to UTC, HTML stripped.
 */
export function mapRssItem(p: Record<string, unknown>): MapResult {
  const title = typeof p.title === 'string' ? p.title.trim() : '';
  const link = typeof p.link === 'string' ? p.link.trim() : '';
  if (!title) return rejected('item has no title');
  if (!link) return rejected(`item "${title}" has no link`);
  const dedupeKey = dedupeKeyOf(p);
  if (!dedupeKey) return rejected(`item "${title}" has neither guid nor link`);
  const publishedAt = parseTimestamp(p.pubDate);
  if (!publishedAt) return rejected(`item "${title}": pubDate "${shown(p.pubDate)}" is not a date`);
  const summary =
    typeof p.description === 'string' && p.description.trim()
      ? convert(p.description, {
          wordwrap: false,
          selectors: [
            { selector: 'img', format: 'skip' },
            { selector: 'a', options: { ignoreHref: true } },
          ],
        })
          .replace(/\s+/g, ' ')
          .trim() || null
      : null;
  return mapped({
    kind: 'news',
    feedUrl: shown(p.feed),
    dedupeKey,
    guid: typeof p.guid === 'string' ? p.guid : null,
    title,
    link,
    summary,
    author: typeof p.creator === 'string' ? p.creator.trim() || null : null,
    categories: Array.isArray(p.categories)
      ? (p.categories as unknown[]).filter((c): c is string => typeof c === 'string')
      : [],
    publishedAt,
  });
}
