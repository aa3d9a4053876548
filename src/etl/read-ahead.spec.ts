import { readAhead } from './read-ahead.js';

const tick = () => new Promise((r) => setImmediate(r));

async function* numbers(n: number, log: string[], failAt?: number): AsyncGenerator<number> {
  try {
    for (let i = 1; i <= n; i++) {
      await tick();
      if (i === failAt) throw new Error(`source failed at ${i}`);
      log.push(`pulled ${i}`);
      yield i;
    }
  } finally {
    log.push('source closed');
  }
}

describe('readAhead', () => {
  it('should keep order and prepare every item once', async () => {
    const log: string[] = [];
    const out: number[] = [];
    for await (const v of readAhead(numbers(5, log), (n) => n * 10)) out.push(v);
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(log.filter((l) => l.startsWith('pulled'))).toHaveLength(5);
  });

  it('should pull the next item while the consumer is still busy with the current one', async () => {
    const log: string[] = [];
    for await (const v of readAhead(numbers(3, log), (n) => n)) {
      log.push(`consume ${v} start`);
      await tick();
      await tick();
      log.push(`consume ${v} end`);
    }
    // Item 2 was pulled before the consumer finished item 1: the two overlapped.
    expect(log.indexOf('pulled 2')).toBeLessThan(log.indexOf('consume 1 end'));
    expect(log.indexOf('pulled 2')).toBeGreaterThan(log.indexOf('pulled 1'));
  });

  it('should surface a source error when the consumer reaches it, after the items before it', async () => {
    const log: string[] = [];
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const v of readAhead(numbers(5, log, 3), (n) => n)) {
          await tick();
          out.push(v);
        }
      })(),
    ).rejects.toThrow('source failed at 3');
    expect(out).toEqual([1, 2]);
  });

  it('should surface an error thrown by prepare in order and close the source', async () => {
    const log: string[] = [];
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const v of readAhead(numbers(5, log), (n) => {
          if (n === 2) throw new Error('cannot prepare 2');
          return n;
        })) {
          out.push(v);
        }
      })(),
    ).rejects.toThrow('cannot prepare 2');
    expect(out).toEqual([1]);
    expect(log).toContain('source closed');
  });

  it('should close the source when the consumer stops early', async () => {
    const log: string[] = [];
    await expect(
      (async () => {
        for await (const v of readAhead(numbers(10, log), (n) => n)) {
          if (v === 2) throw new Error('consumer failed');
        }
      })(),
    ).rejects.toThrow('consumer failed');
    for (let i = 0; i < 5 && !log.includes('source closed'); i++) await tick();
    expect(log).toContain('source closed');
    expect(log.filter((l) => l.startsWith('pulled')).length).toBeLessThanOrEqual(3);
  });

  it('should hold no more than `depth` items ahead of the consumer', async () => {
    let pulled = 0;
    let consumed = 0;
    let maxAhead = 0;
    async function* counting(): AsyncGenerator<number> {
      for (let i = 0; i < 20; i++) {
        await tick();
        pulled += 1;
        maxAhead = Math.max(maxAhead, pulled - consumed);
        yield i;
      }
    }
    for await (const _ of readAhead(counting(), (n) => n, 2)) {
      for (let i = 0; i < 5; i++) await tick();
      consumed += 1;
    }
    expect(consumed).toBe(20);
    // The item being consumed plus two ahead.
    expect(maxAhead).toBe(3);
  });
});
