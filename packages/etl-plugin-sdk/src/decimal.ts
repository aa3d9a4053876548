import { isJsonNumber } from './json-number.js';

/** Values that mean "no value" in hand-made spreadsheets and exports. */
const EMPTY = new Set(['', 'n/a', 'na', 'null', 'none', '-', '--', '—', 'nan', 'undefined', '?']);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A cleaned decimal (null when absent), or why it is not one. */
export type DecimalResult = { ok: true; value: string | null } | { ok: false; reason: string };

/**
 * Cleans a messy decimal into an exact decimal string for PostgreSQL `numeric`: `$96,518.00`,
 * `1,234`, ` 3.1 `, `2.5%`, `1.2e3`. Empty markers (`N/A`, `-`, blank) give null. A JSON number
 * of a lossless payload (JsonNumber) gives its received text, every digit kept; a JS number its
 * shortest round-trip text. Anything else is an error with a reason.
 */
export function cleanDecimal(raw: unknown): DecimalResult {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  // Already a valid JSON number literal (the parser checked it): `numeric` reads it exactly, exponent included.
  if (isJsonNumber(raw)) return { ok: true, value: raw.text };
  if (typeof raw === 'number') {
    return Number.isFinite(raw)
      ? { ok: true, value: String(raw) }
      : { ok: false, reason: `not a finite number: ${raw}` };
  }
  if (typeof raw !== 'string') return { ok: false, reason: `not a number: ${JSON.stringify(raw)}` };
  const trimmed = raw.trim();
  if (EMPTY.has(trimmed.toLowerCase())) return { ok: true, value: null };
  const cleaned = trimmed
    .replace(/^\$|^USD\s*/i, '')
    .replace(/[$,_\s]/g, '')
    .replace(/%$/, '');
  if (!DECIMAL.test(cleaned)) return { ok: false, reason: `not a number: "${raw}"` };
  return { ok: true, value: cleaned.replace(/^\+/, '') };
}

/** An integer (rank): decimals with no fractional part are accepted, others are errors. */
export function cleanInteger(raw: unknown): { ok: true; value: number | null } | { ok: false; reason: string } {
  const d = cleanDecimal(raw);
  if (!d.ok) return d;
  if (d.value === null) return { ok: true, value: null };
  const n = Number(d.value);
  return Number.isInteger(n) ? { ok: true, value: n } : { ok: false, reason: `not an integer: "${String(raw)}"` };
}

/** A value as it should appear in a rejection reason. */
export function shown(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (isJsonNumber(v)) return v.text;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** The cleaned decimal, or null when absent or unusable (for optional fields of trusted JSON APIs). */
export function decimalOrNull(raw: unknown): string | null {
  const r = cleanDecimal(raw);
  return r.ok ? r.value : null;
}
