/**
 * `items` in consecutive slices of at most `size` (none when there are no items): a page or a feed
 * read whole, yielded as the engine's batch size asks.
 *
 * @example
 * ```ts
 * for (const records of inBatches(page, context.batchSize)) yield { stream: 'tickers', records, cursor };
 * ```
 */
export function* inBatches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
