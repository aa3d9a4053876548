import { isJsonNumber, type ExtractContext, type RawRecord, type StreamCursor } from '../etl/extractor/index.js';

/**
 * Incremental reading by `last_updated` for snapshot APIs (CoinGecko, CoinPaprika): records older
 * than the committed watermark (minus the lookback) are skipped, records at it are re-read (start
 * inclusive; natural keys deduplicate), and the new watermark is only handed out once the whole
 * response was read — the payloads are not ordered by time, so moving it earlier could skip older,
 * unseen records for good after a crash.
 */
export class WatermarkFilter {
  private readonly previous: string | undefined;
  private readonly since: number;
  private maxSeen: string | undefined;

  constructor(context: ExtractContext, stream: string) {
    this.previous = context.cursor(stream)?.watermark;
    this.since = this.previous ? Date.parse(this.previous) - context.lookbackSeconds * 1000 : Number.NEGATIVE_INFINITY;
    this.maxSeen = this.previous;
  }

  /** The raw record for `item` (keyed `<id>@<last_updated>`), or undefined when it is older than the watermark. */
  accept(item: Record<string, unknown>): RawRecord | undefined {
    const updated = typeof item.last_updated === 'string' ? item.last_updated : '';
    const at = Date.parse(updated);
    if (!Number.isNaN(at)) {
      if (at < this.since) return undefined;
      if (!this.maxSeen || at > Date.parse(this.maxSeen)) this.maxSeen = new Date(at).toISOString();
    }
    const rawId = item.id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' || isJsonNumber(rawId) ? String(rawId) : '';
    return { naturalKey: `${id}@${updated}`, payload: item };
  }

  /** Cursor for batches in the middle of the response: the previous watermark, unchanged. */
  pending(): StreamCursor {
    return this.previous ? { watermark: this.previous } : {};
  }

  /** Cursor for the last batch, once everything was read. */
  complete(): StreamCursor {
    return this.maxSeen ? { watermark: this.maxSeen } : {};
  }
}
