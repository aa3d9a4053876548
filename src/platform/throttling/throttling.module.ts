import { Module } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/** DI token of the throttle's counter storage. */
export const THROTTLE_STORAGE = Symbol('THROTTLE_STORAGE');

/**
 * Where throttle counters live: in Redis when REDIS_URL is set (one limit across every replica),
 * else in this process (O(1) per request at any limit; the library's default grows with it).
 * A provider, so Nest closes the Redis connection at shutdown.
 */
@Module({
  providers: [
    {
      provide: THROTTLE_STORAGE,
      inject: [AppConfig],
      useFactory: ({ api }: AppConfig): ThrottlerStorage =>
        api.redisUrl
          ? new RedisThrottlerStorage(api.redisUrl, api.throttleRedisPrefix)
          : new FixedWindowThrottlerStorage(),
    },
  ],
  exports: [THROTTLE_STORAGE],
})
export class ThrottlingModule {}
