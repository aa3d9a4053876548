import { isReadableDateTime } from './query-params.js';
import { InvalidInputException } from './validation.js';

/**
 * Opaque keyset cursors: the sort key values of the last row of a page, base64url-encoded JSON
 * with a version and the sort they belong to. A cursor from another sort (or tampered) is a 400
 * naming the `cursor` field.
 */
export function encodeCursor(sort: string, values: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify({ v: 1, s: sort, k: values })).toString('base64url');
}

/** What a cursor key holds; each is checked before it reaches SQL (a forged cursor is a 400, not a 500). */
export type CursorKey = 'timestamp' | 'bigint' | 'decimal' | 'text';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const BIGINT = /^\d{1,19}$/;
const DECIMAL = /^-?\d{1,40}(\.\d{1,40})?$/;
const MAX_BIGINT = 9223372036854775807n;

function isKey(kind: CursorKey, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  switch (kind) {
    case 'timestamp':
      return TIMESTAMP.test(value) && isReadableDateTime(value);
    case 'bigint':
      return BIGINT.test(value) && BigInt(value) <= MAX_BIGINT;
    case 'decimal':
      return DECIMAL.test(value);
    case 'text':
      return value.length <= 512;
  }
}

/** The sort key values of a cursor made by `encodeCursor(sort, …)`, each of the given kind. */
export function decodeCursor(cursor: string, sort: string, kinds: readonly CursorKey[]): string[] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      v?: unknown;
      s?: unknown;
      k?: unknown;
    };
    if (parsed.v !== 1 || parsed.s !== sort || !Array.isArray(parsed.k) || parsed.k.length !== kinds.length) {
      throw new Error('shape');
    }
    if (!kinds.every((kind, i) => isKey(kind, (parsed.k as unknown[])[i]))) throw new Error('value');
    return parsed.k as string[];
  } catch {
    throw new InvalidInputException([
      { field: 'cursor', message: 'cursor is invalid or belongs to another sort order' },
    ]);
  }
}
