import type { AssetCandidate } from './asset-candidate.js';

interface Entry {
  assetId: string;
  symbol: string;
  name: string | null;
  rank: number | null;
}

/**
 * Confident (source, id) -> asset mappings already resolved during one source run, so later batches
 * skip the lookup. Entries learned inside a batch's transaction become visible only when that
 * transaction commits (`commit`), never after a rollback (`discard`). A candidate whose symbol, name
 * or rank differs from the cached one goes through full resolution again (the mapping's details are
 * refreshed there). A manual re-point made while a run is in progress applies from the next run.
 * A re-decision of identity that moves ids (another source's run may do it) bumps the identity
 * epoch; the cache is checked against it in every batch transaction and emptied when it moved.
 */
export class ResolvedAssetCache {
  private readonly entries = new Map<string, Entry>();
  private staged: Array<[string, Entry]> = [];
  /** The identity epoch the entries are valid for (unset until first checked). */
  epoch: string | undefined;
  /** Counts resets: answers taken from the cache before a reset (a pipelined batch) are stale. */
  generation = 0;

  constructor(private readonly maxEntries = 200_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached asset, when the candidate looks exactly as it did when it was resolved. */
  lookup(key: string, c: AssetCandidate): string | undefined {
    const e = this.entries.get(key);
    return e && e.symbol === c.symbol && e.name === c.name && e.rank === c.rank ? e.assetId : undefined;
  }

  stage(key: string, c: AssetCandidate, assetId: string): void {
    this.staged.push([key, { assetId, symbol: c.symbol, name: c.name, rank: c.rank }]);
  }

  commit(): void {
    for (const [key, entry] of this.staged) {
      // Bounded: a run over an unbounded id space stops caching rather than growing without limit.
      if (this.entries.size < this.maxEntries || this.entries.has(key)) this.entries.set(key, entry);
    }
    this.staged = [];
  }

  /** Forgets everything (committed and staged): ids moved since the entries were learned. */
  reset(epoch: string): void {
    this.entries.clear();
    this.staged = [];
    this.epoch = epoch;
    this.generation++;
  }

  discard(): void {
    this.staged = [];
  }
}
