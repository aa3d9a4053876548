import type { LatestRow } from './assets.repository.js';

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
