import type { TruePair } from './identity-listings.js';

/** An asset as `GET /assets` returns it (only what scoring reads). */
export interface ScoredAsset {
  id: string;
  asset_key: string;
  needs_review: boolean;
  source_ids: Array<{ source: string; source_asset_id: string }>;
}

export interface IdentityScore {
  /** In-scope true pairs (CoinPaprika coin active). */
  pairs: number;
  /** Pairs whose two ids are on one asset. */
  hits: number;
  recall: number;
  /** Hits / (hits + false merges). */
  precision: number;
  /** Assets holding a true-pair id with a wrong partner, or two ids of one source. */
  falseMerges: Array<{ asset: string; ids: string[]; reason: string }>;
  /** In-scope pairs not on one asset, with where each side landed. */
  misses: Array<{
    coingecko: string;
    coinpaprika: string;
    coingeckoAsset: string | null;
    coinpaprikaAsset: string | null;
  }>;
}

const GECKO = 'coingecko';
const PAPRIKA = 'coinpaprika';

/** Scores the catalog against the true pairs: a hit is both ids on one asset (docs/IDENTITY.md). */
export function scoreIdentity(assets: ScoredAsset[], truth: TruePair[]): IdentityScore {
  const assetOf = new Map<string, ScoredAsset>();
  for (const a of assets) for (const s of a.source_ids) assetOf.set(`${s.source}/${s.source_asset_id}`, a);
  const inScope = truth.filter((p) => !p.inactive);
  const partner = new Map<string, string>();
  for (const p of inScope) {
    partner.set(`${GECKO}/${p.coingeckoId}`, `${PAPRIKA}/${p.coinpaprikaId}`);
    partner.set(`${PAPRIKA}/${p.coinpaprikaId}`, `${GECKO}/${p.coingeckoId}`);
  }
  const falseMerges: IdentityScore['falseMerges'] = [];
  for (const a of assets) {
    const ids = a.source_ids.map((s) => `${s.source}/${s.source_asset_id}`);
    const sources = a.source_ids.map((s) => s.source);
    if (new Set(sources).size !== sources.length) {
      falseMerges.push({ asset: a.asset_key, ids, reason: 'two ids of one source' });
      continue;
    }
    for (const id of ids) {
      const expected = partner.get(id);
      const otherSource = id.startsWith(`${GECKO}/`) ? PAPRIKA : GECKO;
      const actual = ids.find((x) => x.startsWith(`${otherSource}/`));
      if (expected && actual && actual !== expected) {
        falseMerges.push({ asset: a.asset_key, ids, reason: `${id} belongs with ${expected}, not ${actual}` });
        break;
      }
    }
  }
  const misses: IdentityScore['misses'] = [];
  let hits = 0;
  for (const p of inScope) {
    const g = assetOf.get(`${GECKO}/${p.coingeckoId}`);
    const c = assetOf.get(`${PAPRIKA}/${p.coinpaprikaId}`);
    if (g && g === c) hits++;
    else {
      misses.push({
        coingecko: p.coingeckoId,
        coinpaprika: p.coinpaprikaId,
        coingeckoAsset: g?.asset_key ?? null,
        coinpaprikaAsset: c?.asset_key ?? null,
      });
    }
  }
  return {
    pairs: inScope.length,
    hits,
    recall: inScope.length === 0 ? 1 : hits / inScope.length,
    precision: hits + falseMerges.length === 0 ? 1 : hits / (hits + falseMerges.length),
    falseMerges,
    misses,
  };
}
