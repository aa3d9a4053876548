import { parseJson } from '../extractor/json-number.js';
import { observePaths, typeOf } from './payload-paths.js';

describe('typeOf', () => {
  it('should classify a lossless JSON number as a number, and a numeric string as a string', () => {
    const text = '{"price":12345678901.123456789012345,"text":"1.5","n":null,"q":{"USD":{"cap":1E+25}},"l":[1]}';
    const payload = parseJson(text) as Record<string, unknown>;

    expect([...observePaths(payload, new Set())]).toEqual([
      ['price', 'number'],
      ['text', 'string'],
      ['n', 'null'],
      ['q.USD.cap', 'number'],
      ['l', 'array'],
    ]);
    expect([typeOf(7), typeOf({}), typeOf(true)]).toEqual(['number', 'object', 'boolean']);
  });
});
