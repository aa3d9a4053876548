import { JsonNumber, parseJson } from '../../etl/extractor/json-number.js';
import { cleanDecimal, cleanInteger, decimalOrNull, shown } from './decimal.js';
import { parseTimestamp } from './timestamp.js';

describe('cleanDecimal of lossless JSON numbers', () => {
  it.each([
    ['12345678901.123456789012345'],
    ['1234567890123456789012345'],
    ['0.000000000000000000012345678901234567890'],
    ['-2.50'],
    ['1E+25'],
    ['0'],
  ])('should give the received text %s, every digit kept', (literal) => {
    const { v } = parseJson(`{"v":${literal}}`) as { v: unknown };

    expect([cleanDecimal(v), decimalOrNull(v), shown(v)]).toEqual([{ ok: true, value: literal }, literal, literal]);
  });

  it('should read a lossless rank as an integer and reject a fractional one', () => {
    expect([cleanInteger(new JsonNumber('3')), cleanInteger(new JsonNumber('3.5'))]).toEqual([
      { ok: true, value: 3 },
      { ok: false, reason: 'not an integer: "3.5"' },
    ]);
  });
});

describe('parseTimestamp of lossless JSON numbers', () => {
  it('should read a lossless epoch number as it reads a JS one', () => {
    expect([parseTimestamp(new JsonNumber('1737567568')), parseTimestamp(new JsonNumber('1737567568000'))]).toEqual([
      new Date('2025-01-22T17:39:28Z'),
      new Date('2025-01-22T17:39:28Z'),
    ]);
  });
});
