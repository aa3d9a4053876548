/** One chunk of a backfill: [from, to). */
export interface ChunkRange {
  from: Date;
  to: Date;
}

/** Cuts [from, to) into consecutive chunks of at most `maxChunkSeconds`, with no gap and no overlap. */
export function planChunks(from: Date, to: Date, maxChunkSeconds: number): ChunkRange[] {
  const step = Math.max(1, Math.floor(maxChunkSeconds)) * 1000;
  const chunks: ChunkRange[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += step) {
    chunks.push({ from: new Date(t), to: new Date(Math.min(t + step, to.getTime())) });
  }
  return chunks;
}
