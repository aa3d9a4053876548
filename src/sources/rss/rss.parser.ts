import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One <item> of an RSS 2.0 feed, as text fields (no HTML processing yet). */
export interface RssItemPayload {
  feed: string;
  title: string | null;
  link: string | null;
  guid: string | null;
  pubDate: string | null;
  description: string | null;
  creator: string | null;
  categories: string[];
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  cdataPropName: false,
  isArray: (name) => name === 'item' || name === 'category',
});

/** Parses a feed document; truncated or invalid XML is an error naming the feed and the problem. */
export function parseRssFeed(feedUrl: string, text: string): RssItemPayload[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new Error(`rss: ${feedUrl} is not well-formed XML (${valid.err.msg} at line ${valid.err.line})`);
  }
  const doc = xml.parse(text) as { rss?: { channel?: { item?: Array<Record<string, unknown>> } } };
  const channel = doc.rss?.channel;
  if (!channel) throw new Error(`rss: ${feedUrl} has no <rss><channel>`);
  return (channel.item ?? []).map((item) => ({
    feed: feedUrl,
    title: text0(item.title),
    link: text0(item.link),
    guid: text0(item.guid),
    pubDate: text0(item.pubDate),
    description: text0(item.description),
    creator: text0(item['dc:creator']),
    categories: ((item.category as unknown[]) ?? []).map(text0).filter((c): c is string => !!c),
  }));
}

function text0(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'object' && '#text' in (v as Record<string, unknown>)) {
    return text0((v as Record<string, unknown>)['#text']);
  }
  return String(v as string | number);
}
