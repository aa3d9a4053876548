import type { RunComparisonDto, RunCountsDto } from './dto/runs.dto.js';
import type { SourceRunRow } from '../../etl/ledger/runs.repository.js';

/** A source run's record counts; zeros when the run did not include the source. */
export function sourceRunCounts(s: SourceRunRow | undefined): RunCountsDto {
  return {
    extracted: s?.records_extracted ?? 0,
    inserted: s?.records_inserted ?? 0,
    updated: s?.records_updated ?? 0,
    unchanged: s?.records_unchanged ?? 0,
    duplicate: s?.records_duplicate ?? 0,
    quarantined: s?.records_quarantined ?? 0,
  };
}

/**
 * One source of a run comparison: its status in each run, and target minus base for the counts and
 * the duration (null unless both runs have a duration for it).
 */
export interface SourceRunPair {
  source: string;
  /** The source's run in the base run, if it had one. */
  base?: SourceRunRow;
  /** The source's run in the target run, if it had one. */
  target?: SourceRunRow;
}

export function compareSource({ source, base: b, target: t }: SourceRunPair): RunComparisonDto['sources'][number] {
  const cb = sourceRunCounts(b);
  const ct = sourceRunCounts(t);
  return {
    source,
    base_status: b?.status ?? null,
    target_status: t?.status ?? null,
    status_changed: (b?.status ?? null) !== (t?.status ?? null),
    records_delta: {
      extracted: ct.extracted - cb.extracted,
      inserted: ct.inserted - cb.inserted,
      updated: ct.updated - cb.updated,
      unchanged: ct.unchanged - cb.unchanged,
      duplicate: ct.duplicate - cb.duplicate,
      quarantined: ct.quarantined - cb.quarantined,
    },
    duration_delta_ms:
      typeof b?.duration_ms === 'number' && typeof t?.duration_ms === 'number' ? t.duration_ms - b.duration_ms : null,
  };
}
