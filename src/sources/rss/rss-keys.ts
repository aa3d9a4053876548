/**
 * How an RSS item is told apart from every other. A guid is unique only within its publisher (RSS
 * 2.0: "a string that uniquely identifies the item" for that channel's author), so two publishers
 * both numbering their items `42` publish two articles. The publisher is the host of the item's
 * link, without `www.`: the same article carried by two feeds of one publisher (same guid, links on
 * the same host) stays one item. An item without a guid is keyed by its canonical link.
 */

/**
 * Query parameters that only say where a reader came from: they change between fetches and feeds
 * and never name another article. Compared case-insensitively; `utm_` is a prefix.
 */
export const TRACKING_PARAMETERS: readonly string[] = [
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
];
const TRACKING = new Set(TRACKING_PARAMETERS);

export function isTrackingParameter(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || TRACKING.has(n);
}

/**
 * The link as the article's identity: without its fragment and tracking parameters, the other
 * parameters kept (`article.php?id=1` and `?id=2` are two articles) and sorted (their order means
 * nothing). Scheme and host are lower-cased by URL parsing. A link that is not a URL is kept as is.
 */
export function canonicalLink(link: string): string {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return link.split('#')[0];
  }
  u.hash = '';
  const kept = [...u.searchParams].filter(([name]) => !isTrackingParameter(name));
  kept.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  u.search = kept.length > 0 ? new URLSearchParams(kept).toString() : '';
  return u.toString();
}

/** The publisher of a link: its host, lower case, without a leading `www.`; undefined if not a URL. */
export function publisherOf(link: string): string | undefined {
  try {
    const host = new URL(link).hostname;
    return host ? host.replace(/^www\./, '') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `<publisher>|<guid>` when the item has a guid (the publisher taken from its link, else from the
 * feed's URL), else the canonical link; null when it has neither.
 */
export function dedupeKeyOf(p: { guid?: unknown; link?: unknown; feed?: unknown }): string | null {
  const link = typeof p.link === 'string' ? p.link.trim() : '';
  const guid = typeof p.guid === 'string' ? p.guid.trim() : '';
  if (guid) {
    const publisher = publisherOf(link) ?? (typeof p.feed === 'string' ? publisherOf(p.feed) : undefined) ?? '';
    return `${publisher}|${guid}`;
  }
  return link ? canonicalLink(link) : null;
}
