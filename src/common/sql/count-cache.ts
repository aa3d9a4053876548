interface Entry<T> {
  value: Promise<T>;
  /** The resolved count, once known: served while a newer one is computed. */
  known?: T;
  freshUntil: number;
  refreshing: boolean;
}

/**
 * Exact counts for `pagination.total` are expensive on large tables; identical queries (paging
 * through one result set, or many clients polling the same list) share one count for `ttlMs`, and
 * concurrent misses share one in-flight query instead of stampeding the database.
 *
 * Past `ttlMs` the last known count is still served (up to `maxStaleMs`) while ONE new count runs in
 * the background: no request waits for a full count once the list has been counted (that wait was
 * the p99 of the list endpoints on a large table).
 */
export class CountCache<T = number> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 500,
    private readonly maxStaleMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.freshUntil > now) return hit.value;
    if (hit?.known !== undefined && hit.freshUntil + this.maxStaleMs > now) {
      if (!hit.refreshing) this.refresh(key, hit, compute);
      return Promise.resolve(hit.known);
    }
    return this.load(key, compute, now);
  }

  private load(key: string, compute: () => Promise<T>, now: number): Promise<T> {
    const value = compute();
    const entry: Entry<T> = { value, freshUntil: now + this.ttlMs, refreshing: false };
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, entry);
    value.then(
      (n) => (entry.known = n),
      // A failed count is not cached.
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return value;
  }

  private refresh(key: string, stale: Entry<T>, compute: () => Promise<T>): void {
    stale.refreshing = true;
    compute().then(
      (n) => {
        if (this.entries.get(key) === stale) {
          this.entries.set(key, {
            value: Promise.resolve(n),
            known: n,
            freshUntil: this.now() + this.ttlMs,
            refreshing: false,
          });
        }
      },
      // Keep serving the stale count; the next request past maxStaleMs counts in the foreground.
      () => (stale.refreshing = false),
    );
  }
}
