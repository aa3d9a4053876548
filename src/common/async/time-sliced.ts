import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * `items.map(fn)`, but handing the event loop back (setImmediate) whenever a slice has run for
 * `sliceMs`: a long CPU-bound map then never delays timers, I/O or a liveness probe by more than
 * about one slice. `sliceMs: 0` yields after every item.
 */
export async function mapTimeSliced<T, R>(
  items: readonly T[],
  fn: (item: T) => R,
  options: { sliceMs: number },
): Promise<R[]> {
  const out: R[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    out.push(fn(item));
    if (performance.now() - sliceStart >= options.sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  return out;
}
