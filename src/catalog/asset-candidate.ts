/** A source's asset as one observation presents it: what identity resolution decides on. */
export interface AssetCandidate {
  source: string;
  sourceAssetId: string;
  symbol: string;
  name: string | null;
  rank: number | null;
  /** Market data of the observation (decimal strings, as on the canonical quote): evidence for matching. */
  priceUsd?: string | null;
  marketCapUsd?: string | null;
  observedAt?: Date | null;
  /** The plugin's provider-independent key (CanonicalQuote.crosswalkKey). */
  crosswalkKey?: string | null;
}
