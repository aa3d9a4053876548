import { isJsonNumber, JsonNumber, jsonNumberText, parseJson, stringifyJson } from './json-number.js';

describe('json-number', () => {
  describe('parseJson', () => {
    it.each([
      ['12345678901.123456789012345'],
      ['1234567890123456789012345'],
      ['-0.000000000000000000012345678901234567890'],
      ['1.50'],
      ['2E-8'],
      ['-1e+400'],
      ['0'],
    ])('should keep the number %s as its received text', (literal) => {
      const parsed = parseJson(`{"a":{"b":[${literal}]}}`) as { a: { b: unknown[] } };

      const value = parsed.a.b[0];
      expect(isJsonNumber(value)).toBe(true);
      expect(jsonNumberText(value as JsonNumber)).toBe(literal);
    });

    it('should leave strings, booleans and null as JSON.parse does', () => {
      const parsed = parseJson('{"s":"12345678901.123456789012345","t":true,"f":false,"n":null,"o":{},"a":[]}');

      expect(parsed).toEqual({ s: '12345678901.123456789012345', t: true, f: false, n: null, o: {}, a: [] });
    });

    it('should keep the last value of a duplicate key, as JSON.parse does', () => {
      const parsed = parseJson('{"a":1,"a":"two"}');

      expect(parsed).toEqual({ a: 'two' });
    });

    it.each([['{"a":'], ['[1,]'], ['{"a":01}'], ['NaN'], ['']])('should throw a SyntaxError on bad JSON %p', (text) => {
      expect(() => parseJson(text)).toThrow(SyntaxError);
    });
  });

  describe('stringifyJson', () => {
    it('should write every received digit back, numbers as numbers', () => {
      const text =
        '{"price":12345678901.123456789012345,"supply":1234567890123456789012345,' +
        '"name":"x","n":null,"l":[1.50,2E-8]}';

      expect(stringifyJson(parseJson(text))).toBe(text);
    });

    it('should write a top-level JsonNumber of a flat record as a number', () => {
      expect(stringifyJson({ a: 'x', n: new JsonNumber('1.10'), m: 2 })).toBe('{"a":"x","n":1.10,"m":2}');
    });

    it.each([[{ file: 'a.csv', line: 3, price: '1,5', empty: null, ok: true }], [[1, 'two', null]], ['text']])(
      'should give the same text as JSON.stringify for %p',
      (value) => {
        expect(stringifyJson(value)).toBe(JSON.stringify(value));
      },
    );

    it('should give the same text as JSON.stringify for nested values without JsonNumbers', () => {
      const value = { a: 'quote "x"\u0001', b: 1.5, c: [true, null, { d: -0.25 }], e: new Date(0) };

      expect(stringifyJson(value)).toBe(JSON.stringify(value));
    });
  });

  describe(JsonNumber.name, () => {
    it('should keep every digit under JSON.stringify (as a string) and give the nearest double as its value', () => {
      const n = new JsonNumber('12345678901.123456789012345');

      expect([JSON.stringify({ n }), String(n), Number(n), jsonNumberText(7.25)]).toEqual([
        '{"n":"12345678901.123456789012345"}',
        '12345678901.123456789012345',
        12345678901.123457,
        '7.25',
      ]);
    });

    it('should not be confused with a plain object that looks like one', () => {
      expect([isJsonNumber({ text: '1' }), isJsonNumber('1'), isJsonNumber(1)]).toEqual([false, false, false]);
    });
  });
});
