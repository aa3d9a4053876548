import type { ThrottlerStorage } from '@nestjs/throttler';

/** What a throttler storage answers for one request (the library's record type). */
export type ThrottleRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A client's fixed window after counting one request; the times left are in milliseconds. */
export interface ThrottleWindowState {
  hits: number;
  windowLeftMs: number;
  /** Set while the client is blocked: how long the block lasts. */
  blockLeftMs?: number;
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/** The library counts the times left in whole seconds, rounded up and never negative. */
export function throttleRecord({ hits, windowLeftMs, blockLeftMs }: ThrottleWindowState): ThrottleRecord {
  return {
    totalHits: hits,
    timeToExpire: seconds(windowLeftMs),
    isBlocked: blockLeftMs !== undefined,
    timeToBlockExpire: blockLeftMs === undefined ? 0 : seconds(blockLeftMs),
  };
}
