/** A batch's (or a source run's) counts: extracted = inserted + updated + unchanged + duplicate + quarantined. */
export interface BatchCounts {
  extracted: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows whose key (natural key; asset, source and instant; news key) the run had already seen: the later one won. */
  duplicate: number;
  quarantined: number;
}

/** Just the counts of a row that carries them among other columns (a run's, a backfill's). */
export function countsOf(row: BatchCounts): BatchCounts {
  return {
    extracted: row.extracted,
    inserted: row.inserted,
    updated: row.updated,
    unchanged: row.unchanged,
    duplicate: row.duplicate,
    quarantined: row.quarantined,
  };
}
