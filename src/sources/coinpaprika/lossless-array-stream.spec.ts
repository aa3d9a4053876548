import { Readable } from 'node:stream';
import { JsonNumber, stringifyJson } from '@kasparro/etl-plugin-sdk';
import { losslessArrayStream } from './lossless-array-stream.js';

/** A body delivered in small chunks, so number tokens are split across chunk boundaries. */
function chunked(text: string, size = 7): Readable {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return Readable.from(parts.map((p) => Buffer.from(p)));
}

async function collect(text: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const { value } of losslessArrayStream(chunked(text))) out.push(value);
  return out;
}

describe('losslessArrayStream', () => {
  it('should yield each element with numbers as their received text and strings as strings', async () => {
    const text =
      '[{"id":"a","price":12345678901.123456789012345,"q":{"USD":{"s":1234567890123456789012345}},' +
      '"l":[1.50,-2E-8]},{"id":"b","price":"7.5","n":null,"t":true}]';

    const values = await collect(text);

    expect(values).toEqual([
      {
        id: 'a',
        price: new JsonNumber('12345678901.123456789012345'),
        q: { USD: { s: new JsonNumber('1234567890123456789012345') } },
        l: [new JsonNumber('1.50'), new JsonNumber('-2E-8')],
      },
      { id: 'b', price: '7.5', n: null, t: true },
    ]);
    expect(`[${values.map(stringifyJson).join(',')}]`).toBe(text);
  });

  it('should fail the iteration when the body is not JSON or breaks off', async () => {
    await expect(collect('[{"id":"a","price":1.5},{"id":')).rejects.toThrow();
    await expect(collect('[{"id":"a","price":1.5x}]')).rejects.toThrow();
  });
});
