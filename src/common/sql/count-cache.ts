/**
 * Exact counts for `pagination.total` are expensive on large tables; identical queries (paging
 * through one result set, or many clients polling the same list) share one count for a few
 * seconds, and concurrent misses share one in-flight query instead of stampeding the database.
 */
export class CountCache {
  private readonly entries = new Map<string, { value: Promise<number>; expires: number }>();

  constructor(private readonly ttlMs = 10_000, private readonly maxEntries = 500) {}

  get(key: string, compute: () => Promise<number>): Promise<number> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = compute();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    // A failed count is not cached.
    value.catch(() => this.entries.delete(key));
    return value;
  }
}
