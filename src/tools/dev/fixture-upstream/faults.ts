import { isJsonNumber } from '../../../etl/extractor/json-number.js';
import { checkExactNumbers, type ExactNumbers } from './exact-numbers.js';

/** A scripted misbehaviour of one fixture route, applied to the next `times` requests (default 1). */
export type Fault =
  | { type: 'status'; status: number; retryAfter?: number | 'http-date'; retryAfterSeconds?: number; times?: number }
  | { type: 'delay'; ms: number; times?: number }
  | { type: 'reset'; times?: number }
  | { type: 'malformed'; times?: number }
  | { type: 'truncated'; times?: number }
  | { type: 'empty'; times?: number }
  | { type: 'repeat-page'; times?: number };

/** Persistent schema drift of a route's payload, until cleared. */
export interface Drift {
  rename?: Record<string, string>;
  remove?: string[];
  /** Fields whose numbers are served as strings. */
  stringify?: string[];
}

export type RouteName = 'coinpaprika' | 'coingecko' | 'rss';

export class FaultBook {
  private readonly queues = new Map<RouteName, Fault[]>();
  private readonly drifts = new Map<RouteName, Drift>();
  private readonly exact = new Map<RouteName, ExactNumbers>();

  set(route: RouteName, faults: Fault[]): void {
    this.queues.set(
      route,
      faults.map((f) => ({ ...f, times: f.times ?? 1 })),
    );
  }

  setDrift(route: RouteName, drift: Drift | undefined): void {
    if (drift) this.drifts.set(route, drift);
    else this.drifts.delete(route);
  }

  drift(route: RouteName): Drift | undefined {
    return this.drifts.get(route);
  }

  /** Persistent exact-number fields of a market route, until cleared (see exact-numbers.ts). */
  setExactNumbers(route: RouteName, exact: ExactNumbers | undefined): void {
    if (exact) this.exact.set(route, checkExactNumbers(exact));
    else this.exact.delete(route);
  }

  exactNumbers(route: RouteName): ExactNumbers | undefined {
    return this.exact.get(route);
  }

  clear(): void {
    this.queues.clear();
    this.drifts.clear();
    this.exact.clear();
  }

  /** The fault for this request, if any (consumes one use of it). */
  next(route: RouteName): Fault | undefined {
    const queue = this.queues.get(route);
    if (!queue || queue.length === 0) return undefined;
    const fault = queue[0];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) queue.shift();
    return fault;
  }
}

export function applyDrift(item: Record<string, unknown>, drift: Drift | undefined): Record<string, unknown> {
  if (!drift) return item;
  const out: Record<string, unknown> = { ...item };
  for (const field of drift.stringify ?? []) {
    if (typeof out[field] === 'number' || isJsonNumber(out[field])) out[field] = String(out[field]);
  }
  for (const [from, to] of Object.entries(drift.rename ?? {})) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  for (const field of drift.remove ?? []) delete out[field];
  return out;
}
