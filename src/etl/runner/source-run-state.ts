import type { StreamCursor } from '../extractor/extractor.interface.js';
import type { BatchCounts } from '../ledger/batch-counts.js';

/** What a source run has committed so far; kept up to date batch by batch, so a failure records it too. */
export interface SourceRunState {
  cursors: Map<string, StreamCursor>;
  totals: BatchCounts;
  fingerprint: string | null;
}

export const ZERO_COUNTS: BatchCounts = {
  extracted: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  duplicate: 0,
  quarantined: 0,
};

export function addInto(totals: BatchCounts, c: BatchCounts): void {
  totals.extracted += c.extracted;
  totals.inserted += c.inserted;
  totals.updated += c.updated;
  totals.unchanged += c.unchanged;
  totals.duplicate += c.duplicate;
  totals.quarantined += c.quarantined;
}
