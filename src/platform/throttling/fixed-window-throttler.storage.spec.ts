import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage.js';

describe('FixedWindowThrottlerStorage', () => {
  let clock: number;
  let storage: FixedWindowThrottlerStorage;

  beforeEach(() => {
    clock = 1_000_000;
    storage = new FixedWindowThrottlerStorage(() => clock);
  });

  it('should allow `limit` hits per window, then block with the time left', async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await storage.increment('client', 60_000, 3, 60_000, 'default'));
    expect(results.map((r) => [r.totalHits, r.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(results[0].timeToExpire).toBe(60);
    expect(results[3].timeToBlockExpire).toBe(60);
  });

  it('should keep a blocked client blocked for the block duration, then start a new window', async () => {
    for (let i = 0; i < 3; i++) await storage.increment('client', 10_000, 2, 30_000, 'default');
    clock += 20_000; // the window is over, the block is not
    expect((await storage.increment('client', 10_000, 2, 30_000, 'default')).isBlocked).toBe(true);
    clock += 10_001;
    const next = await storage.increment('client', 10_000, 2, 30_000, 'default');
    expect([next.totalHits, next.isBlocked]).toEqual([1, false]);
  });

  it('should count clients and throttlers apart', async () => {
    await storage.increment('a', 60_000, 1, 60_000, 'default');
    expect((await storage.increment('b', 60_000, 1, 60_000, 'default')).isBlocked).toBe(false);
    expect((await storage.increment('a', 60_000, 1, 60_000, 'burst')).isBlocked).toBe(false);
    expect((await storage.increment('a', 60_000, 1, 60_000, 'default')).isBlocked).toBe(true);
  });

  it('should block only within the window when no block duration is set', async () => {
    await storage.increment('client', 1_000, 1, 0, 'default');
    expect((await storage.increment('client', 1_000, 1, 0, 'default')).isBlocked).toBe(true);
    clock += 1_000;
    expect((await storage.increment('client', 1_000, 1, 0, 'default')).isBlocked).toBe(false);
  });

  it('should count 200,000 hits of one window in one counter', async () => {
    for (let i = 0; i < 200_000; i++) await storage.increment('busy', 60_000, 1_000_000, 60_000, 'default');
    const last = await storage.increment('busy', 60_000, 1_000_000, 60_000, 'default');
    expect([last.totalHits, last.isBlocked]).toEqual([200_001, false]);
  });

  it('should drop idle clients on sweep', async () => {
    await storage.increment('gone', 1_000, 5, 1_000, 'default');
    await storage.increment('stays', 120_000, 5, 1_000, 'default');
    clock += 5_000;
    storage.sweep();
    expect(storage.size).toBe(1);
  });

  it('should sweep by itself once the sweep interval has passed', async () => {
    await storage.increment('gone', 1_000, 5, 1_000, 'default');
    clock += 30_000;
    await storage.increment('other', 1_000, 5, 1_000, 'default');
    expect(storage.size).toBe(2);
    clock += 31_000;
    await storage.increment('other', 1_000, 5, 1_000, 'default');
    expect(storage.size).toBe(1);
  });
});
