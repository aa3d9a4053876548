import type { ConsensusRows, LatestRow } from '../../catalog/latest-quotes.repository.js';

/** The freshness part of the consolidated view: judged against the request's now. */
export interface FreshnessVerdict {
  /** The instant every quote's age is measured from (ISO-8601 UTC). */
  as_of: string;
  freshness_budget_seconds: number;
  /** How many sources' latest quotes count in the consensus. */
  fresh_sources: number;
  /** True when no source is fresh: there is no consensus, only each source's latest quote. */
  stale: boolean;
  /** Why the view is stale, for people; null when it is not. */
  stale_reason: string | null;
}

export interface FreshnessInput {
  latest: readonly LatestRow[];
  asOf: Date;
  budgetSeconds: number;
}

/**
 * Says whether the view has a consensus and, when not, why: no quotes at all, every latest quote
 * older than the budget, or (also) dated beyond the budget in the future, which clock skew does
 * not explain.
 */
export function judgeFreshness({ latest, asOf, budgetSeconds }: FreshnessInput): FreshnessVerdict {
  const fresh = latest.filter((l) => l.fresh).length;
  const base = { as_of: asOf.toISOString(), freshness_budget_seconds: budgetSeconds, fresh_sources: fresh };
  if (fresh > 0) return { ...base, stale: false, stale_reason: null };
  if (latest.length === 0) return { ...base, stale: true, stale_reason: 'no quotes for this asset' };
  const youngest = Math.min(...latest.filter((l) => l.age_seconds >= 0).map((l) => l.age_seconds));
  const future = latest.filter((l) => l.age_seconds < 0).length;
  const parts = [`no source has a quote within ${budgetSeconds} s of as_of`];
  if (Number.isFinite(youngest)) parts.push(`the newest past quote is ${youngest} s old`);
  if (future > 0) parts.push(`${future} quote(s) dated more than ${budgetSeconds} s in the future are not counted`);
  return { ...base, stale: true, stale_reason: parts.join('; ') };
}

/** observed_at of the newest quote, null when none parses. */
export function freshestAt(latest: readonly LatestRow[]): string | null {
  // Years past 9999 (PostgreSQL allows them) do not parse: such a quote is not "the freshest".
  const freshest = latest.reduce<number | null>((m, l) => {
    const at = Date.parse(l.observed_at);
    return Number.isNaN(at) ? m : Math.max(m ?? Number.NEGATIVE_INFINITY, at);
  }, null);
  return freshest === null ? null : new Date(freshest).toISOString();
}

/** One asset's consolidated prices: what /assets/{id}, /prices and the price stream all report. */
export interface ConsolidatedPrices extends FreshnessVerdict {
  latest: LatestRow[];
  consensus_price_usd: string | null;
  spread_pct: string | null;
  divergent: boolean;
  freshest_at: string | null;
}

const NO_QUOTES: ConsensusRows = { latest: [], median: null, spread_pct: null, divergent: false };

/**
 * The one place the consensus rows become the consolidated view (the rules themselves, exact median,
 * spread and divergence, are in the repository's SQL; freshness is judged against `asOf`).
 */
export function consolidate(rows: ConsensusRows | undefined, asOf: Date, budgetSeconds: number): ConsolidatedPrices {
  const { latest, median, spread_pct, divergent } = rows ?? NO_QUOTES;
  return {
    latest,
    ...judgeFreshness({ latest, asOf, budgetSeconds }),
    consensus_price_usd: median,
    spread_pct,
    freshest_at: freshestAt(latest),
    divergent,
  };
}
