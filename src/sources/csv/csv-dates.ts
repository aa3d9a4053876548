import { shown, parseTimestamp } from '@kasparro/etl-plugin-sdk';

/** A file's day/month order for `NN/NN/YYYY` dates, or `mixed` when its dates disagree. */
export type DateOrder = 'dmy' | 'mdy';
export type FileDateOrder = DateOrder | 'mixed';

/**
 * What a `NN/NN/YYYY` (or `NN.NN.YYYY`) date says about its order on its own: `dmy` (the first
 * number is above 12), `mdy` (the second is), `either` (both the same: one reading),
 * `ambiguous` (two readings), `invalid` (no reading), or `none` (not such a date at all).
 */
export type DateShape = DateOrder | 'either' | 'ambiguous' | 'invalid' | 'none';

const SLASH = 47;
const DOT = 46;

interface NumericDate {
  first: number;
  second: number;
  year: number;
}

/** `text[start, end)` read as `N{1,2} sep N{1,2} sep NNNN`, or null. Character checks: this runs per row. */
function numericDate(text: string, start: number, end: number): NumericDate | null {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  const length = end - start;
  if (length < 8 || length > 10) return null;
  const sepAt = text.charCodeAt(start + 1) === SLASH || text.charCodeAt(start + 1) === DOT ? start + 1 : start + 2;
  const sep = text.charCodeAt(sepAt);
  if (sep !== SLASH && sep !== DOT) return null;
  const second = sepAt + 1;
  const sep2At = text.charCodeAt(second + 1) === sep ? second + 1 : second + 2;
  if (text.charCodeAt(sep2At) !== sep || end - (sep2At + 1) !== 4) return null;
  const first = number(text, start, sepAt);
  const middle = number(text, second, sep2At);
  const year = number(text, sep2At + 1, end);
  return first < 0 || middle < 0 || year < 0 ? null : { first, second: middle, year };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 13;
}

function number(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return end > start ? n : -1;
}

export function dateShape(text: string, start = 0, end = text.length): DateShape {
  const d = numericDate(text, start, end);
  if (!d) return 'none';
  return shapeOf(d);
}

function shapeOf({ first, second }: NumericDate): DateShape {
  if (first < 1 || second < 1 || (first > 12 && second > 12) || first > 31 || second > 31) return 'invalid';
  if (first > 12) return 'dmy';
  if (second > 12) return 'mdy';
  return first === second ? 'either' : 'ambiguous';
}

const ORDER_NAME: Record<DateOrder, string> = { dmy: 'day first', mdy: 'month first' };

export type DateResult = { ok: true; value: Date } | { ok: false; reason: string };

/**
 * Reads a CSV timestamp under its file's day/month order (undefined when unknown and not needed).
 * `NN/NN/YYYY` dates with one reading are read so; an ambiguous one by the file's order, or rejected
 * when the file has none; one impossible in the file's order is rejected. Other formats (ISO,
 * epoch, RFC-822) are `parseTimestamp`'s.
 */
export function readCsvDate(raw: unknown, fileOrder?: FileDateOrder): DateResult {
  const d = typeof raw === 'string' ? numericDate(raw, 0, raw.length) : null;
  if (!d) {
    const value = parseTimestamp(raw);
    return value ? { ok: true, value } : { ok: false, reason: `unrecognised timestamp "${shown(raw)}"` };
  }
  const text = raw as string;
  const shape = shapeOf(d);
  const order: DateOrder | undefined = fileOrder === 'dmy' || fileOrder === 'mdy' ? fileOrder : undefined;
  let dayFirst: boolean;
  if (shape === 'dmy' || shape === 'mdy') {
    if (order && order !== shape) {
      return { ok: false, reason: `not a date in this file's day/month order (${ORDER_NAME[order]}): "${text}"` };
    }
    dayFirst = shape === 'dmy';
  } else if (shape === 'either') {
    dayFirst = true;
  } else if (shape === 'ambiguous') {
    if (!order) return { ok: false, reason: ambiguity(text, fileOrder) };
    dayFirst = order === 'dmy';
  } else {
    return { ok: false, reason: `unrecognised timestamp "${text}"` };
  }
  const value = utcDate(d.year, dayFirst ? d.second : d.first, dayFirst ? d.first : d.second);
  return value ? { ok: true, value } : { ok: false, reason: `unrecognised timestamp "${text}"` };
}

function utcDate(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

function ambiguity(text: string, fileOrder: FileDateOrder | undefined): string {
  const why =
    fileOrder === 'mixed'
      ? 'this file has dates in both orders'
      : "this file's date order is neither declared (CSV_DIALECTS dates=dmy|mdy) " +
        'nor settled by a date with a day above 12';
  return `ambiguous date "${text}": day and month may be either way round, and ${why}`;
}
