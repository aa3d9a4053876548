import { isJsonNumber } from './json-number.js';

/**
 * Parses the timestamp formats seen in exports and feeds to a UTC Date: ISO-8601 with or without a
 * zone (no zone = UTC), `YYYY-MM-DD` (midnight UTC), `DD/MM/YYYY` (day first, as European exports
 * write it), epoch seconds or milliseconds, and RFC-822 (`Wed, 10 Sep 2025 16:38:00 +0100`).
 * Returns null when the value is not a recognisable timestamp.
 */
export function parseTimestamp(raw: unknown): Date | null {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
  if (typeof raw === 'number') return fromEpoch(raw);
  // An epoch number of a lossless JSON payload: milliseconds need no digits beyond a double's.
  if (isJsonNumber(raw)) return fromEpoch(Number(raw.text));
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  if (s === '') return null;
  if (/^\d{10}(\.\d+)?$/.test(s) || /^\d{13}$/.test(s)) return fromEpoch(Number(s));
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return utc(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s);
  if (m) return utc(+m[3], +m[2], +m[1]);
  m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/.exec(s);
  if (m) return utc(+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0), m[7] ? Math.round(Number(m[7]) * 1000) : 0);
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s)) {
    const d = new Date(s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(d.getTime()) ? null : d;
  }
  if (/^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(:\d{2})?\s+([+-]\d{4}|[A-Z]{1,4})$/.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function fromEpoch(n: number): Date | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  const ms = n > 1e12 ? n : n * 1000;
  return new Date(ms);
}

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  return date.getUTCDate() === d ? date : null;
}
