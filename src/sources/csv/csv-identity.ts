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

/** `Wrapped Bitcoin` -> `wrapped-bitcoin`, `Tézos` -> `tezos`, `Pepe 2.0` -> `pepe-2-0`. */
export function nameSlug(name: string): string {
  // Most names are ASCII words and single spaces: a character check and two native calls do
  // (this runs per row; the regular expressions are for the rest).
  if (isPlainName(name)) return name.toLowerCase().replaceAll(' ', '-');
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return folded.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');
}

/** ASCII letters and digits in words separated by single spaces, none at either end. */
function isPlainName(name: string): boolean {
  let afterSpace = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 32) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) {
      afterSpace = false;
    } else {
      return false;
    }
  }
  return !afterSpace;
}
