/** What identifies a CSV row's coin: the file's id column, else its ticker and name. */
export interface CsvAssetKeyInput {
  /** The id column's value (`id`, `asset_id`, `coin_id`), when the file has one. */
  id: unknown;
  /** Ticker, already upper-cased. */
  symbol: string;
  name: string | null;
}

/**
 * The CSV source's own id for a row's coin (`sourceAssetId`): a ticker is not an identity (two coins
 * share `UNI`), so a row is keyed by its id column when the file has one (`btc-bitcoin`), else by
 * ticker and normalised name (`BTC:bitcoin`, `UNI:unicorn-token`), and only a row with no name by
 * the bare ticker (`BTC`). Name normalisation folds case, accents and punctuation (`Bitcoin`,
 * ` bitcoin `, `BITCOIN` are one key), so the same coin keeps its key across files and runs.
 */
export function csvAssetKey({ id, symbol, name }: CsvAssetKeyInput): string {
  if (typeof id === 'string') {
    const trimmed = id.trim();
    if (trimmed !== '') return trimmed;
  }
  if (name === null) return symbol;
  const slug = nameSlug(name);
  return slug === '' ? symbol : `${symbol}:${slug}`;
}

// Files repeat a few thousand names over many rows: remember their slugs (bounded) instead of
// normalising every row again.
const SLUGS = new Map<string, string>();
const MAX_SLUGS = 50_000;

/** `Wrapped Bitcoin` -> `wrapped-bitcoin`, `Tézos` -> `tezos`, `Pepe 2.0` -> `pepe-2-0`. */
export function nameSlug(name: string): string {
  let slug = SLUGS.get(name);
  if (slug === undefined) {
    const folded = name.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
    slug = folded.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');
    if (SLUGS.size >= MAX_SLUGS) SLUGS.clear();
    SLUGS.set(name, slug);
  }
  return slug;
}
