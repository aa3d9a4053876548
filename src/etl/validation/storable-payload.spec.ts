import { isJsonbStorable, unstorableRecord } from './storable-payload.js';

describe('unstorableRecord', () => {
  it('should accept clean records, emoji pairs and a literal backslash-u text', () => {
    const payload = { symbol: 'BTC', name: 'rocket 🚀', note: '\\u0000', n: 5, nested: { list: ['a', null, 1] } };
    expect(unstorableRecord({ naturalKey: 'f.csv#2', payload })).toBeNull();
  });

  it.each([
    [{ naturalKey: 'k\u0000', payload: {} }, 'natural key: string contains NUL (U+0000)'],
    [{ naturalKey: 'k', payload: { name: 'Bit\u0000coin' } }, 'payload.name: string contains NUL (U+0000)'],
    [
      { naturalKey: 'k', payload: { a: { b: ['ok', 'x\ud800'] } } },
      'payload.a.b[1]: string contains an unpaired UTF-16 surrogate',
    ],
    [{ naturalKey: 'k', payload: { ['ke\u0000y']: 1 } }, 'payload key "ke\u0000y": string contains NUL (U+0000)'],
  ])('should name the field of %j', (record, reason) => {
    expect(unstorableRecord(record)).toBe(reason);
  });
});

describe('isJsonbStorable', () => {
  it.each([
    [JSON.stringify({ a: 'plain' }), true],
    [JSON.stringify({ a: 'rocket 🚀' }), true],
    [JSON.stringify({ a: '\\u0000 as text' }), true],
    ['{"a":"\\ud83d\\ude80"}', true],
    [JSON.stringify({ a: 'nul \u0000' }), false],
    [JSON.stringify({ a: 'lone \ud83d' }), false],
    [JSON.stringify({ a: 'lone \ude80' }), false],
    ['{"a":"\\\\\\u0000"}', false],
    ['{"a":"raw \ud83d"}', false],
  ])('should tell whether %s fits jsonb (%s)', (json, expected) => {
    expect(isJsonbStorable(json)).toBe(expected);
  });
});
