import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottleRecord } from './throttle-record.js';

/** One request to count: the library's five positional `increment` arguments as one object. */
export interface ThrottleHit {
  key: string;
  ttl: number;
  limit: number;
  blockDuration: number;
  throttlerName: string;
}

/** The library's `increment(key, ttl, limit, blockDuration, throttlerName)`, answered by `count(hit)`. */
export abstract class CountingThrottlerStorage implements ThrottlerStorage {
  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottleRecord> {
    return this.count({ key, ttl, limit, blockDuration, throttlerName });
  }

  abstract count(hit: ThrottleHit): Promise<ThrottleRecord>;
}
