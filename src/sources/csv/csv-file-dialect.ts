import { createReadStream } from 'node:fs';
import { canonicalHeader, KNOWN_COLUMNS } from './csv-headers.js';
import type { FileDateOrder } from './csv-dates.js';
import { DELIMITER_NAME, DELIMITERS, type CsvDelimiter, type CsvDialectDeclaration } from './csv-dialect.js';
import type { FileDecimalMark } from './csv-numbers.js';
import { CsvEvidenceScanner, type FileEvidence, type FormatEvidence } from './csv-scan.js';

/** How the second pass reads a file, and what its rows carry for the mapper. */
export interface FileDialect {
  delimiter: CsvDelimiter;
  /**
   * The file's decimal mark and day/month order: declared, or detected (the one reading all its
   * unambiguous values agree on; `mixed` when they disagree; unset when none settles it).
   */
  decimal?: FileDecimalMark;
  dates?: FileDateOrder;
  /** What the first pass found, for the log. */
  evidence: FileEvidence;
}

export type FileDialectResult =
  { ok: true; dialect: FileDialect } | { ok: false; reason: string; header: string; linesAfter: number };

/** A header line longer than this is not a header. */
const MAX_HEADER = 64 * 1024;
const MIN_KNOWN_COLUMNS = 2;

/**
 * The first pass over a file (streamed, memory bounded): reads its header with the declared or the
 * one delimiter that splits it into known column names, then scans its values for their decimal
 * mark and day/month order (see CsvEvidenceScanner). A header no delimiter reads is a failure with
 * the reason, so the file is reported, not read as one column.
 */
export async function readFileDialect(file: string, declared?: CsvDialectDeclaration): Promise<FileDialectResult> {
  let head = '';
  let scanner: CsvEvidenceScanner | undefined;
  let delimiter: CsvDelimiter = ',';
  let failure: { reason: string; header: string } | undefined;
  let linesAfter = 0;
  const start = (text: string, complete: boolean): void => {
    const line = firstLine(text, complete);
    if (line === undefined) return;
    const reading = readHeader(line, declared?.delimiter);
    if ('reason' in reading) {
      failure = { reason: reading.reason, header: line };
      linesAfter = countLines(text) - 1;
      return;
    }
    delimiter = reading.delimiter;
    scanner = new CsvEvidenceScanner(delimiter, reading.names);
    scanner.feed(text);
  };
  const chunks = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 }) as AsyncIterable<string>;
  for await (const chunk of chunks) {
    if (scanner) scanner.feed(chunk);
    else if (failure) linesAfter += countLines(chunk);
    else {
      head = stripBom(head + chunk);
      start(head, head.length > MAX_HEADER);
    }
  }
  if (!scanner && !failure) {
    if (head.trim() === '') {
      return { ok: true, dialect: { delimiter, evidence: new CsvEvidenceScanner(delimiter, []).end() } };
    }
    start(head, true);
  }
  if (failure) return { ok: false, ...failure, linesAfter: Math.max(0, linesAfter) };
  const evidence = scanner!.end();
  return {
    ok: true,
    dialect: {
      delimiter,
      decimal: decide(declared?.decimal, evidence.decimal),
      dates: decide(declared?.dates, evidence.dates),
      evidence,
    },
  };
}

/** The first non-blank line, once it is complete (or the text is all there is). */
function firstLine(text: string, complete: boolean): string | undefined {
  let from = 0;
  for (;;) {
    const lf = text.indexOf('\n', from);
    if (lf < 0) return complete ? text.slice(from).replace(/\r$/, '') : undefined;
    const line = text.slice(from, lf).replace(/\r$/, '');
    if (line !== '') return line;
    from = lf + 1;
  }
}

type HeaderReading = { delimiter: CsvDelimiter; names: string[] } | { reason: string };

function readHeader(line: string, declared: CsvDelimiter | undefined): HeaderReading {
  const candidates = declared ? [declared] : DELIMITERS;
  const readings = candidates
    .map((delimiter) => ({ delimiter, names: splitFields(line, delimiter).map(canonicalHeader) }))
    .filter((r) => new Set(r.names.filter((n) => KNOWN_COLUMNS.has(n))).size >= MIN_KNOWN_COLUMNS);
  if (readings.length === 1) return readings[0];
  const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  if (readings.length > 1) {
    const names = readings.map((r) => DELIMITER_NAME[r.delimiter]).join(' and ');
    return {
      reason:
        `header cannot be read: ${names} both split "${shown}" into known column names; ` +
        'declare its delimiter in CSV_DIALECTS',
    };
  }
  const tried = declared
    ? `the delimiter declared in CSV_DIALECTS (${DELIMITER_NAME[declared]})`
    : 'no delimiter (comma, semicolon, tab)';
  return {
    reason:
      `header cannot be read: ${tried} splits "${shown}" into at least ${MIN_KNOWN_COLUMNS} known column names ` +
      '(symbol, name, price_usd, observed_at, …)',
  };
}

/** One line's fields, quotes honoured (`"a;b"` is one field, `""` an escaped quote). */
function splitFields(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** The declared format, else the one all unambiguous values agree on (`mixed` when they disagree). */
function decide<K extends string>(declared: K | undefined, evidence: FormatEvidence<K>): K | 'mixed' | undefined {
  if (declared) return declared;
  const seen = Object.keys(evidence.firstLine) as K[];
  return seen.length === 1 ? seen[0] : seen.length > 1 ? 'mixed' : undefined;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
