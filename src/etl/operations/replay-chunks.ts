import type { OpenQuarantineRow } from './quarantine-replay.repository.js';

/** The natural key a quarantined row is replayed under (rows rejected before having one get their own). */
export function replayKey(row: OpenQuarantineRow): string {
  return row.naturalKey ?? `quarantine:${row.id}`;
}

/**
 * Splits one stream's rows into batches of at most `size` in which every natural key appears once:
 * a batch keeps only the last record of a key, and a replayed row that was silently superseded must
 * not be marked resolved. Later versions of a key go to later batches, in their original order.
 */
export function replayChunks(rows: OpenQuarantineRow[], size: number): OpenQuarantineRow[][] {
  const rounds: OpenQuarantineRow[][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = replayKey(row);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(row);
  }
  const chunks: OpenQuarantineRow[][] = [];
  for (const round of rounds) {
    for (let i = 0; i < round.length; i += size) chunks.push(round.slice(i, i + size));
  }
  return chunks;
}
