import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from 'typeorm';
import { from as copyFrom } from 'pg-copy-streams';

type Cell = string | number | boolean | Date | null | undefined;

/** COPY text format escaping: `\N` for null; backslash, tab, newline and carriage return escaped. */
export function copyCell(value: Cell): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const s = value instanceof Date ? value.toISOString() : value;
  // Most cells need no escaping: test first, replace only when needed (hot path of every COPY).
  return NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/**
 * Streams rows into `table` with COPY on the transaction's own connection: the fastest way into
 * PostgreSQL (about 1.5x a multi-row INSERT). Used to fill ON COMMIT DROP staging tables that one
 * set-based upsert then merges.
 */
export async function copyRows(manager: EntityManager, table: string, columns: string[], rows: Cell[][]): Promise<void> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('copyRows needs a transactional EntityManager');
  const client = (await runner.connect()) as { query: (q: unknown) => NodeJS.WritableStream };
  const lines = (function* () {
    const chunk: string[] = [];
    for (const row of rows) {
      chunk.push(`${row.map(copyCell).join('\t')}\n`);
      if (chunk.length === 1000) yield chunk.splice(0).join('');
    }
    if (chunk.length > 0) yield chunk.join('');
  })();
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}
