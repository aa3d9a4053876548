/**
 * Iterates `source` up to `depth` items ahead: while the consumer works on item N (e.g. its
 * database transaction), the next items are already being pulled and prepared. Order is kept and
 * at most `depth` extra items are held, so memory stays bounded. An error from the source or from
 * `prepare` surfaces when the consumer reaches that item. When the consumer stops early, the
 * source is closed once the pulls in flight settle (in the background: a failing run must not
 * wait on an upstream).
 */
export async function* readAhead<T, P>(
  source: AsyncIterable<T>,
  prepare: (item: T) => P | Promise<P>,
  depth = 1,
): AsyncGenerator<P> {
  const iterator = source[Symbol.asyncIterator]();
  let exhausted = false;
  const pull = async (): Promise<IteratorResult<P, undefined>> => {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      return { done: true, value: undefined };
    }
    return { done: false, value: await prepare(next.value) };
  };
  const queue: Array<Promise<IteratorResult<P, undefined>>> = [];
  const refill = () => {
    while (!exhausted && queue.length < depth) {
      const p = pull();
      // Observed here so a failure while the consumer is busy is not an unhandled rejection; it
      // is re-thrown below when the consumer reaches that item.
      p.catch(() => undefined);
      queue.push(p);
    }
  };
  let finished = false;
  try {
    refill();
    for (;;) {
      const current = await queue.shift()!;
      if (current.done) {
        finished = true;
        return;
      }
      refill();
      yield current.value;
    }
  } catch (err) {
    // A failed source is already closed; one whose item failed in `prepare` is not.
    finished = true;
    await Promise.resolve(iterator.return?.()).catch(() => undefined);
    throw err;
  } finally {
    if (!finished) {
      void Promise.allSettled(queue)
        .then(() => iterator.return?.())
        .catch(() => undefined);
    }
  }
}
