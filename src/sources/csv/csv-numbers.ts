import { cleanDecimal, type DecimalResult } from '@kasparro/etl-plugin-sdk';

/** A file's decimal mark: `.` (thousands `,`), `,` (thousands `.`), or `mixed` (its values disagree). */
export type DecimalMark = '.' | ',';
export type FileDecimalMark = DecimalMark | 'mixed';

/**
 * What a number's text says about its decimal mark on its own:
 * - `point` / `comma`: only one reading (`1,234.50`, `30,334,935,517`, `0.5` / `2,75`, `1.234,50`, `1.234.567`);
 * - `plain`: no `.` or `,` at all, the same in every format (`96518`, `1 234`);
 * - `ambiguous`: one separator followed by exactly three digits after a 1-3 digit group (`1,234`, `12.500`):
 *   a thousands separator in one format, a decimal mark in the other;
 * - `other`: separators no format allows (`1,2,3.4,5`, `1.2.3,4,5`): not a number.
 */
export type NumberShape = 'point' | 'comma' | 'plain' | 'ambiguous' | 'other';

const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** The shape of `text[start, end)` (surrounding blanks ignored). A character loop: this runs per cell. */
export function numberShape(text: string, start = 0, end = text.length): NumberShape {
  let commas = 0;
  let dots = 0;
  let firstComma = -1;
  let lastComma = -1;
  let firstDot = -1;
  let lastDot = -1;
  let groupingOrExponent = false;
  let interior = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      if (firstComma < 0) firstComma = i;
      lastComma = i;
      commas++;
    } else if (c === DOT) {
      if (firstDot < 0) firstDot = i;
      lastDot = i;
      dots++;
    } else if (c >= ZERO && c <= NINE) {
      interior = true;
    } else if (interior && i + 1 < end && groupsOrExponent(c, text.charCodeAt(i + 1))) {
      groupingOrExponent = true;
    }
  }
  if (commas === 0 && dots === 0) return 'plain';
  if (commas > 0 && dots > 0) {
    // Both: the last one is the decimal mark; it occurs once, and the other one only before it.
    if (lastComma > lastDot) return commas === 1 ? 'comma' : 'other';
    return dots === 1 ? 'point' : 'other';
  }
  const mark = commas > 0 ? COMMA : DOT;
  const count = commas + dots;
  const first = commas > 0 ? firstComma : firstDot;
  // Repeated, it can only be a thousands separator: the format is the other one.
  if (count > 1) return mark === COMMA ? 'point' : 'comma';
  const decimal = mark === COMMA ? 'comma' : 'point';
  if (groupingOrExponent) return decimal;
  const after = digitsFrom(text, first + 1, end);
  const before = digitsBack(text, first - 1, start);
  const groupable = before >= 1 && before <= 3 && text.charCodeAt(first - before) !== ZERO;
  return after === 3 && groupable ? 'ambiguous' : decimal;
}

/** A space, apostrophe or underscore between digits groups thousands; an exponent means a decimal point. */
function groupsOrExponent(c: number, next: number): boolean {
  if (c === 32 || c === 39 || c === 95 || c === 0xa0 || c === 0x202f) return isDigit(next);
  return (c === 101 || c === 69) && (isDigit(next) || next === 43 || next === 45);
}

function digitsFrom(text: string, i: number, end: number): number {
  let n = 0;
  while (i + n < end && isDigit(text.charCodeAt(i + n))) n++;
  return n;
}

function digitsBack(text: string, i: number, start: number): number {
  let n = 0;
  while (i - n >= start && isDigit(text.charCodeAt(i - n))) n++;
  return n;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

const FORMAT_NAME: Record<DecimalMark, string> = { '.': 'decimal point', ',': 'decimal comma' };

/**
 * Reads one CSV number cell under its file's decimal mark (undefined when the file's format is
 * unknown and none of its values needs it). A value with one reading is read so; an ambiguous one
 * by the file's mark, or rejected when the file has none; a value contradicting the file's mark is
 * rejected. Nothing is ever re-scaled: the result is the cell's digits with one `.` as decimal mark.
 * The remaining cleaning (currency signs, `%`, empty markers) is `cleanDecimal`'s.
 */
export function readCsvNumber(raw: unknown, fileMark?: FileDecimalMark): DecimalResult {
  if (typeof raw !== 'string') return cleanDecimal(raw);
  const mark = fileMark === '.' || fileMark === ',' ? fileMark : undefined;
  // Fast path, most cells of most files: no comma, and no dot or a decimal-point file: nothing to
  // decide (a repeated dot is left to cleanDecimal, which refuses it).
  if (raw.indexOf(',') < 0 && (mark === '.' || raw.indexOf('.') < 0)) return cleanDecimal(withoutApostrophes(raw));
  const shape = numberShape(raw);
  switch (shape) {
    case 'plain':
    case 'point':
      if (shape === 'point' && mark === ',') return contradiction(raw, mark);
      return cleanDecimal(withoutApostrophes(raw));
    case 'comma':
      if (mark === '.') return contradiction(raw, mark);
      return asDecimalComma(raw);
    case 'ambiguous':
      if (mark === '.') return cleanDecimal(raw);
      if (mark === ',') return asDecimalComma(raw);
      return { ok: false, reason: ambiguity(raw, fileMark) };
    case 'other':
      return { ok: false, reason: `not a number: "${raw}"` };
  }
}

function asDecimalComma(raw: string): DecimalResult {
  return cleanDecimal(raw.replace(/[.']/g, '').replace(',', '.'));
}

function withoutApostrophes(raw: string): string {
  return raw.indexOf("'") < 0 ? raw : raw.replace(/'/g, '');
}

function contradiction(raw: string, mark: DecimalMark): DecimalResult {
  return { ok: false, reason: `not a number in this file's ${FORMAT_NAME[mark]} format: "${raw}"` };
}

function ambiguity(raw: string, fileMark: FileDecimalMark | undefined): string {
  const why =
    fileMark === 'mixed'
      ? 'this file mixes decimal points and decimal commas'
      : "this file's number format is neither declared (CSV_DIALECTS decimal=point|comma) " +
        'nor settled by its other values';
  return `ambiguous number "${raw}": its separator may mark decimals or thousands, and ${why}`;
}
