import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { CountingThrottlerStorage, type ThrottleHit } from './counting-throttler.storage.js';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage.js';

import { throttleRecord, type ThrottleRecord } from './throttle-record.js';

/**
 * One fixed window per client, the same rule as FixedWindowThrottlerStorage, done atomically in
 * Redis: INCR the window's counter (expiring with the window) and, over the limit, set a block key
 * expiring after the block duration. Returns {hits, window ms left, blocked 0/1, block ms left}.
 */
const INCREMENT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  return {hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft}
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  local block = tonumber(ARGV[3])
  if block > 0 then redis.call('SET', KEYS[2], '1', 'PX', block) end
  return {hits, left, 1, math.max(block, left)}
end
return {hits, left, 0, 0}
`;

/**
 * Throttle counters in Redis, so every API replica shares one limit per client (REDIS_URL). While
 * Redis cannot answer, requests are counted per process (logged once per outage) rather than failed:
 * the throttle protects the API, it must not take it down with it.
 */
export class RedisThrottlerStorage extends CountingThrottlerStorage implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly fallback = new FixedWindowThrottlerStorage();
  private readonly redis: Redis;
  private degraded = false;

  constructor(
    url: string,
    private readonly prefix = 'kasparro:throttle',
  ) {
    super();
    this.redis = new Redis(url, {
      // A request never waits for a reconnect: it is counted locally instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    });
    this.redis.on('error', () => undefined); // reported once per outage by count()
    this.redis.defineCommand('throttleIncrement', { numberOfKeys: 2, lua: INCREMENT });
  }

  async count(hit: ThrottleHit): Promise<ThrottleRecord> {
    const { key, ttl, limit, blockDuration, throttlerName } = hit;
    // The hash tag keeps both keys of one client on one Redis Cluster slot.
    const base = `${this.prefix}:{${throttlerName}:${key}}`;
    try {
      const [hits, left, blocked, blockLeft] = await (this.redis as RedisWithThrottle).throttleIncrement(
        `${base}:hits`,
        `${base}:block`,
        ttl,
        limit,
        blockDuration,
      );
      if (this.degraded) this.logger.log('Redis reachable again: throttle counters shared across replicas');
      this.degraded = false;
      return throttleRecord({ hits, windowLeftMs: left, blockLeftMs: blocked === 1 ? blockLeft : undefined });
    } catch (err) {
      if (!this.degraded) {
        this.logger.warn(
          { err: (err as Error).message },
          'Redis unavailable: throttle counters are per process until it is back',
        );
      }
      this.degraded = true;
      return this.fallback.count(hit);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

interface RedisWithThrottle extends Redis {
  throttleIncrement(
    hitsKey: string,
    blockKey: string,
    ttl: number,
    limit: number,
    block: number,
  ): Promise<[number, number, number, number]>;
}
