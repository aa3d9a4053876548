import { PARTITION_INTERVALS, type PartitionInterval } from '../../platform/config/partition-interval.js';

/** How wide one partition of a time-partitioned table is (QUOTES_PARTITION_INTERVAL). */
export { PARTITION_INTERVALS, type PartitionInterval };

/** A partition's bounds: `[from, to)`, as PostgreSQL range partitions are. */
export interface TimeRange {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/** The start (UTC) of the interval holding `at`: the 1st of the month, Monday (ISO week) or midnight. */
export function intervalStart(at: Date, interval: PartitionInterval): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  switch (interval) {
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    case 'week':
      // getUTCDay: Sunday = 0; ISO weeks start on Monday.
      return new Date(day - ((at.getUTCDay() + 6) % 7) * DAY_MS);
    case 'day':
      return new Date(day);
  }
}

/** The interval after the one starting at `start`. */
export function nextStart(start: Date, interval: PartitionInterval): Date {
  switch (interval) {
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    case 'week':
      return new Date(start.getTime() + 7 * DAY_MS);
    case 'day':
      return new Date(start.getTime() + DAY_MS);
  }
}

/** `market_quotes_p20260101`: the table and the partition's first day, so names sort by time. */
export function partitionName(table: string, from: Date): string {
  return `${table}_p${from.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function covers(ranges: readonly TimeRange[], at: Date): boolean {
  const t = at.getTime();
  return ranges.some((r) => r.from.getTime() <= t && t < r.to.getTime());
}

/**
 * The partitions to create so that every instant in `instants` has one: for each uncovered
 * instant, the interval holding it, clipped to the existing partitions around it (which may have
 * another width, after QUOTES_PARTITION_INTERVAL changed), so no two ranges ever overlap.
 */
export function missingRanges(
  existing: readonly TimeRange[],
  instants: Iterable<Date>,
  interval: PartitionInterval,
): TimeRange[] {
  const planned: TimeRange[] = [];
  const all = (): TimeRange[] => [...existing, ...planned];
  // A batch's instants are mostly the same few (one snapshot instant, a CSV's hours): check each once.
  const distinct = new Map<number, Date>();
  for (const at of instants) distinct.set(at.getTime(), at);
  for (const at of distinct.values()) {
    if (covers(existing, at) || covers(planned, at)) continue;
    let from = intervalStart(at, interval).getTime();
    let to = nextStart(new Date(from), interval).getTime();
    for (const r of all()) {
      const rf = r.from.getTime();
      const rt = r.to.getTime();
      if (rt <= at.getTime() && rt > from) from = rt;
      if (rf > at.getTime() && rf < to) to = rf;
    }
    planned.push({ from: new Date(from), to: new Date(to) });
  }
  return planned.sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** One instant per interval from `from` to `to` (both included): what "partitions ahead" must cover. */
export function instantsAhead(from: Date, to: Date, interval: PartitionInterval): Date[] {
  const out: Date[] = [];
  for (let s = intervalStart(from, interval); s.getTime() <= to.getTime(); s = nextStart(s, interval)) out.push(s);
  return out;
}

/** Partitions entirely older than the horizon (their upper bound at or before it): safe to drop whole. */
export function expiredRanges<T extends TimeRange>(existing: readonly T[], horizon: Date): T[] {
  return existing.filter((r) => r.to.getTime() <= horizon.getTime());
}
