import { isJsonNumber } from './json-number.js';
import type { RawRecord, StreamCursor } from './extractor.interface.js';

/** What a snapshot stream's checkpoint records: informational only, it never filters a record out. */
export interface SnapshotCursor extends StreamCursor {
  snapshot: {
    /** When the run that wrote this cursor started reading. */
    read_at: string;
    /** Pages (or responses) read, and records seen, so far in that run. */
    pages_read: number;
    records_read: number;
    /** The newest `last_updated` seen in that run (for operators; nothing is skipped by it). */
    max_last_updated: string | null;
    /** True once every page was read; false while reading or when the run stopped early. */
    complete: boolean;
    /** Why reading stopped before the last page, when it did. */
    stopped_early?: string;
  };
}

/**
 * Reading rule for snapshot APIs (CoinGecko `/coins/markets`, CoinPaprika `/tickers`): every run
 * reads the whole snapshot and skips nothing. There is no global high-water mark, because one
 * (the max `last_updated`) loses coins that first appear, or come back from a cached page, with an
 * older `last_updated`, and loses everything after the upstream clock goes back. Re-reading is
 * idempotent and cheap instead: the natural key carries the instant (`<id>@<last_updated>`), and
 * the loaders skip a row whose content hash is already stored on that key (no write at all), update
 * one whose values changed on the same instant, and insert a new instant. So the cursor only
 * describes what was read; a run that stopped early simply says so, and the next run reads every
 * page again.
 */
export class SnapshotReader {
  private pages = 0;
  private records = 0;
  private maxSeen: number | undefined;

  constructor(private readonly runStartedAt: Date) {}

  /** The raw record for one snapshot item, keyed `<id>@<last_updated>`. */
  record(item: Record<string, unknown>): RawRecord {
    const updated = typeof item.last_updated === 'string' ? item.last_updated : '';
    const at = Date.parse(updated);
    if (!Number.isNaN(at) && (this.maxSeen === undefined || at > this.maxSeen)) this.maxSeen = at;
    this.records += 1;
    const rawId = item.id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' || isJsonNumber(rawId) ? String(rawId) : '';
    return { naturalKey: `${id}@${updated}`, payload: item };
  }

  /** Counts one page (or whole response) read. */
  pageRead(): void {
    this.pages += 1;
  }

  /** Cursor for a batch in the middle of the snapshot. */
  reading(): SnapshotCursor {
    return this.cursor(false);
  }

  /** Cursor for the last batch: complete, or stopped early with the reason. */
  finished(stoppedEarly?: string): SnapshotCursor {
    return this.cursor(stoppedEarly === undefined, stoppedEarly);
  }

  private cursor(complete: boolean, stoppedEarly?: string): SnapshotCursor {
    return {
      snapshot: {
        read_at: this.runStartedAt.toISOString(),
        pages_read: this.pages,
        records_read: this.records,
        max_last_updated: this.maxSeen === undefined ? null : new Date(this.maxSeen).toISOString(),
        complete,
        ...(stoppedEarly === undefined ? {} : { stopped_early: stoppedEarly }),
      },
    };
  }
}
