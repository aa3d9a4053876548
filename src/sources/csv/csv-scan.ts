import { DATE_COLUMN, NUMBER_COLUMNS } from './csv-headers.js';
import { dateShape, type DateOrder } from './csv-dates.js';
import { numberShape, type DecimalMark } from './csv-numbers.js';

/** What a file's values say about one format: the first line of each reading seen, and how many values had two. */
export interface FormatEvidence<K extends string> {
  firstLine: Partial<Record<K, number>>;
  ambiguous: number;
}

export interface FileEvidence {
  decimal: FormatEvidence<DecimalMark>;
  dates: FormatEvidence<DateOrder>;
}

const enum Column {
  Other,
  Number,
  Date,
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
/** A field longer than this is no number or date: it is not kept across chunks (bounded memory). */
const MAX_CARRY = 64 * 1024;

/**
 * The first pass over a CSV file: a minimal RFC 4180 scanner (quotes, doubled quotes, quoted line
 * breaks) that only looks at the number and timestamp columns and records which decimal mark and
 * day/month order their values imply. Rows whose field count differs from the header's give no
 * evidence (the second pass quarantines them). It keeps only the field in progress across chunks,
 * and never builds a string per field: a character loop over the text, several times cheaper than
 * the parser of the second pass.
 */
export class CsvEvidenceScanner {
  readonly evidence: FileEvidence = {
    decimal: { firstLine: {}, ambiguous: 0 },
    dates: { firstLine: {}, ambiguous: 0 },
  };
  private readonly delimiter: string;
  private readonly columns: Column[];
  private text = '';
  private i = 0;
  private fieldStart = 0;
  private atFieldStart = true;
  private quoted = false;
  private inQuotes = false;
  private quoteEnd = -1;
  private fieldTooLong = false;
  private field = 0;
  private line = 1;
  private headerSeen = false;
  // The current record's evidence, merged into the file's when the record has the header's width.
  private point = false;
  private comma = false;
  private ambiguousNumbers = 0;
  private dmy = false;
  private mdy = false;
  private ambiguousDates = 0;

  /** `header`: the canonical column names, in file order; the scanner skips the header record itself. */
  constructor(
    delimiter: string,
    private readonly header: readonly string[],
  ) {
    this.delimiter = delimiter;
    this.columns = header.map((name) => {
      if (NUMBER_COLUMNS.has(name)) return Column.Number;
      return name === DATE_COLUMN ? Column.Date : Column.Other;
    });
  }

  feed(chunk: string): void {
    this.text = this.text.length === 0 ? chunk : this.text + chunk;
    this.scan(false);
    // Keep only the field in progress: positions move with it.
    const offset = this.fieldStart;
    this.text = this.text.slice(offset);
    this.i -= offset;
    this.quoteEnd = this.quoteEnd >= offset ? this.quoteEnd - offset : -1;
    this.fieldStart = 0;
    if (this.text.length > MAX_CARRY) {
      // Drop the field's text, keep what is not scanned yet (at most a quote awaiting its pair).
      this.fieldTooLong = true;
      this.text = this.text.slice(this.i);
      this.i = 0;
      this.quoteEnd = -1;
    }
  }

  end(): FileEvidence {
    this.scan(true);
    if (!this.lineIsEmpty(this.text.length)) this.endRecord(this.text.length);
    this.text = '';
    return this.evidence;
  }

  private scan(final: boolean): void {
    const text = this.text;
    const length = text.length;
    let i = this.i;
    // The next line break at or after i (length + 1: none in this text), found once per line.
    let nextLf = -1;
    while (i < length) {
      if (this.inQuotes) {
        // Inside quotes, character by character (quoted fields are the rare case).
        const c = text.charCodeAt(i++);
        if (c === QUOTE) {
          if (i >= length && !final) {
            i--; // a doubled quote may continue in the next chunk
            break;
          }
          if (text.charCodeAt(i) === QUOTE) i++;
          else {
            this.inQuotes = false;
            this.quoteEnd = i - 1;
          }
        } else if (c === LF || c === CR) {
          this.line++; // as csv-parse counts lines inside quotes: CR and LF each (its natural keys)
        }
        continue;
      }
      if (this.atFieldStart) {
        this.atFieldStart = false;
        if (text.charCodeAt(i) === QUOTE) {
          this.quoted = true;
          this.inQuotes = true;
          i++;
          continue;
        }
      }
      // Unquoted (or past its closing quote) a field holds no delimiter or line break: jump to the
      // next one with indexOf (native) rather than a loop over its characters.
      if (nextLf < i) {
        nextLf = text.indexOf('\n', i);
        if (nextLf < 0) nextLf = length + 1;
      }
      const d = text.indexOf(this.delimiter, i);
      if (d >= 0 && d < nextLf) {
        this.endField(d);
        this.field++;
        this.fieldStart = i = d + 1;
        this.atFieldStart = true;
      } else if (nextLf < length) {
        if (!this.lineIsEmpty(nextLf)) this.endRecord(nextLf);
        this.line++;
        this.fieldStart = i = nextLf + 1;
        this.atFieldStart = true;
      } else {
        i = length; // the field goes on in the next chunk (or ends with the input)
      }
    }
    // At the end of the input a dangling quote is simply a closing one.
    if (final) this.inQuotes = false;
    this.i = i;
  }

  private lineIsEmpty(end: number): boolean {
    if (this.field !== 0 || this.quoted || this.fieldTooLong) return false;
    const n = end - this.fieldStart;
    return n === 0 || (n === 1 && this.text.charCodeAt(this.fieldStart) === CR);
  }

  private endField(end: number): void {
    const column = this.columns[this.field];
    if (column !== undefined && column !== Column.Other && !this.fieldTooLong) {
      let start = this.fieldStart;
      let stop = end;
      if (this.quoted) {
        start += 1;
        if (this.quoteEnd >= start) stop = this.quoteEnd;
      }
      if (column === Column.Number) this.noteNumber(start, stop);
      else this.noteDate(start, stop);
    }
    this.fieldTooLong = false;
    this.quoted = false;
    this.quoteEnd = -1;
  }

  private noteNumber(start: number, end: number): void {
    const shape = numberShape(this.text, start, end);
    if (shape === 'point') this.point = true;
    else if (shape === 'comma') this.comma = true;
    else if (shape === 'ambiguous') this.ambiguousNumbers++;
  }

  private noteDate(start: number, end: number): void {
    const shape = dateShape(this.text, start, end);
    if (shape === 'dmy') this.dmy = true;
    else if (shape === 'mdy') this.mdy = true;
    else if (shape === 'ambiguous') this.ambiguousDates++;
  }

  private endRecord(end: number): void {
    this.endField(end);
    if (!this.headerSeen) {
      this.headerSeen = true;
    } else if (this.field + 1 === this.header.length) {
      const { decimal, dates } = this.evidence;
      if (this.point) decimal.firstLine['.'] ??= this.line;
      if (this.comma) decimal.firstLine[','] ??= this.line;
      decimal.ambiguous += this.ambiguousNumbers;
      if (this.dmy) dates.firstLine.dmy ??= this.line;
      if (this.mdy) dates.firstLine.mdy ??= this.line;
      dates.ambiguous += this.ambiguousDates;
    }
    this.field = 0;
    this.point = this.comma = this.dmy = this.mdy = false;
    this.ambiguousNumbers = this.ambiguousDates = 0;
  }
}
