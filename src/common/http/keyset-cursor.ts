import { InvalidInputException } from './validation.js';

/**
 * Opaque keyset cursors: the sort key values of the last row of a page, base64url-encoded JSON
 * with a version and the sort they belong to. A cursor from another sort (or tampered) is a 400
 * naming the `cursor` field.
 */
export function encodeCursor(sort: string, values: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify({ v: 1, s: sort, k: values })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string, arity: number): Array<string | number | null> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; s?: unknown; k?: unknown };
    if (parsed.v !== 1 || parsed.s !== sort || !Array.isArray(parsed.k) || parsed.k.length !== arity) throw new Error('shape');
    for (const value of parsed.k) {
      if (value !== null && typeof value !== 'string' && typeof value !== 'number') throw new Error('value');
    }
    return parsed.k as Array<string | number | null>;
  } catch {
    throw new InvalidInputException([{ field: 'cursor', message: 'cursor is invalid or belongs to another sort order' }]);
  }
}
