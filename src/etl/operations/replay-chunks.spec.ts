import type { OpenQuarantineRow } from './quarantine-replay.repository.js';
import { replayChunks } from './replay-chunks.js';

const row = (id: number, naturalKey: string | null): OpenQuarantineRow => ({
  id: String(id),
  stream: 'quotes',
  naturalKey,
  payload: {},
  payloadHash: `h${id}`,
});
const ids = (chunks: OpenQuarantineRow[][]) => chunks.map((c) => c.map((r) => r.id));

describe(replayChunks.name, () => {
  it.each([
    ['distinct keys, by size', [row(1, 'a'), row(2, 'b'), row(3, 'c')], 2, [['1', '2'], ['3']]],
    ['a repeated key goes to a later batch', [row(1, 'a'), row(2, 'a'), row(3, 'b')], 10, [['1', '3'], ['2']]],
    ['three versions of one key: three batches', [row(1, 'a'), row(2, 'a'), row(3, 'a')], 10, [['1'], ['2'], ['3']]],
    ['rows without a key never collide', [row(1, null), row(2, null)], 10, [['1', '2']]],
    ['nothing to replay', [], 10, []],
  ])('should handle %s', (_case, rows, size, expected) => {
    expect(ids(replayChunks(rows, size))).toEqual(expected);
  });
});
