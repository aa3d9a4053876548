/**
 * The canonical records a source's mapper produces. Decimal values (prices, caps, volumes, supplies,
 * percentages) are decimal strings so no precision is lost on the way to PostgreSQL `numeric`.
 */

/** One source's observation of one asset's market data at one instant. */
export interface CanonicalQuote {
  kind: 'market_quote';
  /** The source's own id for the coin (`bitcoin`, `btc-bitcoin`, `BTC`): the identity mapping key. */
  sourceAssetId: string;
  /** Ticker, upper case (`BTC`). */
  symbol: string;
  /** Display name (`Bitcoin`), or null when the source does not give one. */
  name: string | null;
  /** Market-cap rank, when the source gives one. */
  rank: number | null;
  /**
   * Optional capability: a provider-independent key for the coin, which another source's mapper
   * derives the same way from its own id (CoinGecko `binancecoin` and CoinPaprika `bnb-binance-coin`
   * both give `bnb:binancecoin`). Two quotes with the same symbol and the same key are matched by the
   * identity crosswalk, unless their market data contradicts it. Leave it unset when the id carries
   * no such meaning, or when it is ambiguous (an id with a numeric disambiguation suffix such as
   * CoinGecko's `foo-2` names a DIFFERENT coin than `foo`, so it must not share `foo`'s key).
   */
  crosswalkKey?: string;
  observedAt: Date;
  priceUsd: string;
  marketCapUsd: string | null;
  volume24hUsd: string | null;
  change24hPct: string | null;
  circulatingSupply: string | null;
  totalSupply: string | null;
  /** Null when uncapped or unknown (CoinPaprika's `0` means "no cap" and maps to null). */
  maxSupply: string | null;
}

/** A news article. */
export interface CanonicalNews {
  kind: 'news';
  /** The feed it came from. */
  feedUrl: string;
  /**
   * Unique per source, the same for the same article whichever feed carries it. A guid is unique
   * only within its publisher, so RSS uses `<link host>|<guid>`, else the link without fragment and
   * tracking parameters (`utm_*`, `fbclid`, ...), its other parameters kept (src/sources/rss/rss-keys.ts).
   */
  dedupeKey: string;
  guid: string | null;
  title: string;
  link: string;
  /** Plain text, HTML stripped. */
  summary: string | null;
  author: string | null;
  categories: string[];
  publishedAt: Date;
}

/** Any canonical record a mapper can produce. */
export type CanonicalRecord = CanonicalQuote | CanonicalNews;

/** What a mapper returns for one raw record: a canonical record, or why it cannot be mapped. */
export type MapResult = { ok: true; record: CanonicalRecord } | { ok: false; reason: string };

/** The mapper's success: `record` is stored. */
export const mapped = (record: CanonicalRecord): MapResult => ({ ok: true, record });
/** The mapper's refusal: the raw row is quarantined with `reason` and the run goes on. */
export const rejected = (reason: string): MapResult => ({ ok: false, reason });
