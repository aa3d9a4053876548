import { mapTimeSliced } from './time-sliced.js';

/** Counts the event-loop turns other work got while `run` was in progress. */
async function turnsDuring<T>(run: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await run();
  done = true;
  return { result, turns };
}

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // burn CPU like a long synchronous match would
  }
}

describe('mapTimeSliced', () => {
  it('should give the same results, in order, as a plain map', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    expect(await mapTimeSliced(items, (i) => i * i, { sliceMs: 0 })).toEqual(items.map((i) => i * i));
    expect(await mapTimeSliced([], (i: number) => i, { sliceMs: 5 })).toEqual([]);
  });

  it('should let other work run between slices of a long CPU-bound map', async () => {
    // Each item takes >= 1 ms, so a 5 ms slice holds at most 5 items: 50 items need >= 9 hand-backs.
    const { result, turns } = await turnsDuring(() =>
      mapTimeSliced(
        Array.from({ length: 50 }, (_, i) => i),
        (i) => {
          busyFor(1);
          return i;
        },
        { sliceMs: 5 },
      ),
    );
    expect(result).toHaveLength(50);
    expect(turns).toBeGreaterThanOrEqual(9);
    expect(turns).toBeLessThanOrEqual(51);
  });

  it('should not yield at all while a slice has time left', async () => {
    const { turns } = await turnsDuring(() => mapTimeSliced([1, 2, 3], (i) => i, { sliceMs: 60_000 }));
    expect(turns).toBe(0);
  });
});
