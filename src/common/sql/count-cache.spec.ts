import { CountCache } from './count-cache.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('CountCache', () => {
  let clock: number;
  let calls: number;
  let next: () => Promise<number>;
  const compute = () => {
    calls += 1;
    return next();
  };

  beforeEach(() => {
    clock = 0;
    calls = 0;
    next = () => Promise.resolve(calls * 100);
  });

  it('should share one count between concurrent and repeated calls within the ttl', async () => {
    const cache = new CountCache(10_000, 10, 60_000, () => clock);
    expect(await Promise.all([cache.get('k', compute), cache.get('k', compute)])).toEqual([100, 100]);
    clock = 9_999;
    expect(await cache.get('k', compute)).toBe(100);
    expect(calls).toBe(1);
  });

  it('should serve the stale count at once past the ttl while one refresh runs, then the new one', async () => {
    const cache = new CountCache(10_000, 10, 60_000, () => clock);
    await cache.get('k', compute);
    clock = 15_000;
    let release!: (n: number) => void;
    next = () => new Promise((r) => (release = r));
    expect(await Promise.all([cache.get('k', compute), cache.get('k', compute)])).toEqual([100, 100]);
    expect(calls).toBe(2);
    release(250);
    await settle();
    expect(await cache.get('k', compute)).toBe(250);
    expect(calls).toBe(2);
  });

  it('should wait for a new count when the known one is too old', async () => {
    const cache = new CountCache(10_000, 10, 60_000, () => clock);
    await cache.get('k', compute);
    clock = 70_001;
    expect(await cache.get('k', compute)).toBe(200);
  });

  it('should not cache a failed count, and keep the stale one when a refresh fails', async () => {
    const cache = new CountCache(10_000, 10, 60_000, () => clock);
    next = () => Promise.reject(new Error('db down'));
    await expect(cache.get('k', compute)).rejects.toThrow('db down');
    next = () => Promise.resolve(7);
    expect(await cache.get('k', compute)).toBe(7);
    clock = 20_000;
    next = () => Promise.reject(new Error('db down'));
    expect(await cache.get('k', compute)).toBe(7);
    await settle();
    next = () => Promise.resolve(9);
    expect(await cache.get('k', compute)).toBe(7); // stale again, a new refresh started
    await settle();
    expect(await cache.get('k', compute)).toBe(9);
  });

  it('should bound the number of keys', async () => {
    const cache = new CountCache(10_000, 2, 60_000, () => clock);
    for (const k of ['a', 'b', 'c']) await cache.get(k, compute);
    await cache.get('a', compute);
    expect(calls).toBe(4);
  });
});
