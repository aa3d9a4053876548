import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { FixedWindowThrottlerStorage } from '../../src/platform/throttling/fixed-window-throttler.storage.js';
import { RedisThrottlerStorage } from '../../src/platform/throttling/redis-throttler.storage.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Redis storage keeps the in-process storage's rule, against the real Redis on 127.0.0.1:6379. */
describe('RedisThrottlerStorage (real Redis)', () => {
  const prefix = `kasparro-test:${randomUUID()}`;
  let storage: RedisThrottlerStorage;
  let other: RedisThrottlerStorage;
  let redis: Redis;

  beforeAll(async () => {
    storage = new RedisThrottlerStorage(REDIS_URL, prefix);
    other = new RedisThrottlerStorage(REDIS_URL, prefix); // a second replica
    redis = new Redis(REDIS_URL);
    await redis.ping();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await storage.onApplicationShutdown();
    await other.onApplicationShutdown();
  });

  it('should give the same answers as the in-process storage for one window', async () => {
    const local = new FixedWindowThrottlerStorage();
    const shape = (r: { totalHits: number; isBlocked: boolean; timeToExpire: number }) => [
      r.totalHits,
      r.isBlocked,
      r.timeToExpire,
    ];
    for (let i = 0; i < 5; i++) {
      const a = await storage.increment('same-rule', 60_000, 3, 60_000, 'default');
      const b = await local.increment('same-rule', 60_000, 3, 60_000, 'default');
      expect(shape(a)).toEqual(shape(b));
      expect(a.timeToBlockExpire).toBe(b.timeToBlockExpire);
    }
  });

  it('should share one count between two replicas and keep clients and throttlers apart', async () => {
    await storage.increment('shared', 60_000, 2, 60_000, 'default');
    await other.increment('shared', 60_000, 2, 60_000, 'default');
    expect((await storage.increment('shared', 60_000, 2, 60_000, 'default')).isBlocked).toBe(true);
    expect((await other.increment('shared-b', 60_000, 2, 60_000, 'default')).isBlocked).toBe(false);
    expect((await other.increment('shared', 60_000, 2, 60_000, 'burst')).isBlocked).toBe(false);
  });

  it('should keep a blocked client blocked for the block duration, then start a new window', async () => {
    for (let i = 0; i < 3; i++) await storage.increment('blocked', 300, 2, 900, 'default');
    await sleep(450); // the window is over, the block is not
    expect((await storage.increment('blocked', 300, 2, 900, 'default')).isBlocked).toBe(true);
    await sleep(600);
    const next = await storage.increment('blocked', 300, 2, 900, 'default');
    expect([next.totalHits, next.isBlocked]).toEqual([1, false]);
  });

  it('should block only within the window when no block duration is set, and let keys expire', async () => {
    await storage.increment('windowed', 300, 1, 0, 'default');
    expect((await storage.increment('windowed', 300, 1, 0, 'default')).isBlocked).toBe(true);
    await sleep(400);
    expect((await storage.increment('windowed', 300, 1, 0, 'default')).isBlocked).toBe(false);
    const ttls = await Promise.all((await redis.keys(`${prefix}:*windowed*`)).map((k) => redis.pttl(k)));
    expect(ttls.every((t) => t > 0 && t <= 300)).toBe(true);
  });
});
