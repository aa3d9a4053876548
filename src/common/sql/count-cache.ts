/**
 * Exact counts for `pagination.total` are expensive on large tables; repeated identical queries
 * (paging through one result set) reuse a count for a few seconds.
 */
export class CountCache {
  private readonly entries = new Map<string, { value: number; expires: number }>();

  constructor(private readonly ttlMs = 5000, private readonly maxEntries = 500) {}

  async get(key: string, compute: () => Promise<number>): Promise<number> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await compute();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    return value;
  }
}
