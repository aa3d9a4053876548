import type { DecimalMark } from './csv-numbers.js';
import type { DateOrder } from './csv-dates.js';

export type CsvDelimiter = ',' | ';' | '\t';
export const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];
export const DELIMITER_NAME: Record<CsvDelimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** What CSV_DIALECTS declares for the files whose name matches `pattern`. Unset parts are detected. */
export interface CsvDialectDeclaration {
  pattern: string;
  matches: (file: string) => boolean;
  delimiter?: CsvDelimiter;
  decimal?: DecimalMark;
  dates?: DateOrder;
}

const VALUES = {
  delimiter: { comma: ',', semicolon: ';', tab: '\t' },
  decimal: { point: '.', comma: ',' },
  dates: { dmy: 'dmy', mdy: 'mdy' },
} as const;
type Key = keyof typeof VALUES;

/**
 * Parses CSV_DIALECTS: `;`-separated entries `<glob>:<key>=<value>[,<key>=<value>…]`, keys
 * `delimiter` (comma|semicolon|tab), `decimal` (point|comma), `dates` (dmy|mdy); the glob matches
 * file names (`*`, `?`, case-insensitive). The first matching entry applies. Throws with the
 * offending entry named.
 */
export function parseCsvDialects(text: string): CsvDialectDeclaration[] {
  const declarations: CsvDialectDeclaration[] = [];
  for (const entry of text
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) throw new Error(`entry "${entry}" is not <glob>:<key>=<value>,…`);
    const pattern = entry.slice(0, colon).trim();
    const declaration: CsvDialectDeclaration = { pattern, matches: globMatcher(pattern) };
    for (const pair of entry
      .slice(colon + 1)
      .split(',')
      .map((p) => p.trim())) {
      const [key, value, extra] = pair.split('=').map((p) => p.trim().toLowerCase());
      if (!Object.hasOwn(VALUES, key) || extra !== undefined) {
        throw new Error(`entry "${entry}": "${pair}" is not delimiter=…, decimal=… or dates=…`);
      }
      const allowed = VALUES[key as Key] as Record<string, string>;
      if (value === undefined || !Object.hasOwn(allowed, value)) {
        const names = Object.keys(allowed).join('|');
        throw new Error(`entry "${entry}": ${key} must be one of ${names}, not "${value ?? ''}"`);
      }
      (declaration as unknown as Record<string, string>)[key] = allowed[value];
    }
    declarations.push(declaration);
  }
  return declarations;
}

/** The first declaration whose glob matches the file name, if any. */
export function declarationFor(
  file: string,
  declarations: readonly CsvDialectDeclaration[],
): CsvDialectDeclaration | undefined {
  return declarations.find((d) => d.matches(file));
}

function globMatcher(pattern: string): (file: string) => boolean {
  const literal = (ch: string) => ch.replace(/[\\^$.+()[\]{}|]/g, '\\$&');
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : literal(ch)))
    .join('');
  const regex = new RegExp(`^${source}$`, 'i');
  return (file) => regex.test(file);
}
