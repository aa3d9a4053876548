import { InvalidInputException } from '../../../common/http/validation.js';

export const HISTORY_INTERVALS = ['5m', '1h', '1d'] as const;
export type HistoryInterval = (typeof HISTORY_INTERVALS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Bucket width; UTC-aligned (UTC days have no DST, and JS time has no leap seconds). */
export const INTERVAL_MS: Readonly<Record<HistoryInterval, number>> = {
  '5m': 5 * MINUTE_MS,
  '1h': HOUR_MS,
  '1d': DAY_MS,
};

/** The longest range per interval: 5m ≤ 7 days, 1h ≤ 400 days, 1d ≤ 20 years (calendar years). */
const MAX_RANGE: Readonly<Record<HistoryInterval, { ms?: number; years?: number; text: string }>> = {
  '5m': { ms: 7 * DAY_MS, text: '7 days' },
  '1h': { ms: 400 * DAY_MS, text: '400 days' },
  '1d': { years: 20, text: '20 years' },
};

/** The range when `from` is not given: the last day of 5m, week of 1h, year of 1d buckets. */
const DEFAULT_SPAN_MS: Readonly<Record<HistoryInterval, number>> = {
  '5m': DAY_MS,
  '1h': 7 * DAY_MS,
  '1d': 365 * DAY_MS,
};

export interface HistoryRangeInput {
  interval: HistoryInterval;
  from?: string;
  to?: string;
  now: Date;
}

/** A bucket is in the range when its start is: `from` <= start < `to`. */
export interface HistoryRange {
  interval: HistoryInterval;
  from: Date;
  to: Date;
  /** The first and past-the-last bucket starts of the range (aligned). */
  firstStart: number;
  endStart: number;
}

const alignUp = (ms: number, step: number) => Math.ceil(ms / step) * step;

/**
 * Resolves the defaults and checks the bounds. Default `to`: the end of the current bucket (it is
 * included, still filling); default `from`: `to` minus the interval's default span. A range
 * beyond the interval's bound, or empty, is a 400 naming `from`.
 */
export function resolveHistoryRange(input: HistoryRangeInput): HistoryRange {
  const step = INTERVAL_MS[input.interval];
  const to = input.to ? new Date(input.to) : new Date(Math.floor(input.now.getTime() / step) * step + step);
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_SPAN_MS[input.interval]);
  if (from.getTime() >= to.getTime()) {
    throw new InvalidInputException([
      { field: 'from', message: 'from must be before to (from is inclusive, to exclusive)' },
    ]);
  }
  const max = MAX_RANGE[input.interval];
  const limit = max.ms !== undefined ? from.getTime() + max.ms : addUtcYears(from, max.years ?? 0);
  if (to.getTime() > limit) {
    throw new InvalidInputException([
      {
        field: 'from',
        message: `from must be at most ${max.text} before to for interval ${input.interval}`,
      },
    ]);
  }
  return {
    interval: input.interval,
    from,
    to,
    firstStart: alignUp(from.getTime(), step),
    endStart: alignUp(to.getTime(), step),
  };
}

function addUtcYears(d: Date, years: number): number {
  const r = new Date(d.getTime());
  r.setUTCFullYear(r.getUTCFullYear() + years);
  return r.getTime();
}

export interface Gap {
  from: string;
  to: string;
}

/**
 * The bucket starts of the range with no observation, merged into ranges (`to` exclusive: the
 * end of the last missing bucket). `present`: the starts (ms) that have at least one bucket.
 */
export function findGaps(range: HistoryRange, present: ReadonlySet<number>): Gap[] {
  const step = INTERVAL_MS[range.interval];
  const gaps: Gap[] = [];
  let open: number | null = null;
  for (let s = range.firstStart; s < range.endStart; s += step) {
    if (present.has(s)) {
      if (open !== null) gaps.push({ from: new Date(open).toISOString(), to: new Date(s).toISOString() });
      open = null;
    } else if (open === null) {
      open = s;
    }
  }
  if (open !== null) gaps.push({ from: new Date(open).toISOString(), to: new Date(range.endStart).toISOString() });
  return gaps;
}
