import { cleanDecimal, cleanInteger } from './decimal.js';
import { parseTimestamp } from './timestamp.js';

describe('cleanDecimal', () => {
  it.each([
    ['$96,518.00', '96518.00'],
    ['1,234', '1234'],
    [' 3.1 ', '3.1'],
    ['2.5%', '2.5'],
    ['1.2e3', '1.2e3'],
    ['-0.5', '-0.5'],
    ['+7', '7'],
    ['30,334,935,517', '30334935517'],
    [104504.64368286531, '104504.64368286531'],
    ['USD 12.5', '12.5'],
  ])('should clean %p to %p', (raw, expected) => {
    expect(cleanDecimal(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([['N/A'], [''], ['  '], ['-'], ['null'], [null], [undefined]])('should treat %p as no value', (raw) => {
    expect(cleanDecimal(raw)).toEqual({ ok: true, value: null });
  });

  it.each([['abc'], ['12..3'], ['1,2,3x'], [Number.NaN], [{}]])('should reject %p with a reason', (raw) => {
    expect(cleanDecimal(raw)).toEqual({ ok: false, reason: expect.stringMatching(/not a/) });
  });

  it('should parse integers and reject fractions', () => {
    expect(cleanInteger('12')).toEqual({ ok: true, value: 12 });
    expect(cleanInteger('1.5')).toEqual({ ok: false, reason: 'not an integer: "1.5"' });
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2025-05-02T00:10:25Z', '2025-05-02T00:10:25.000Z'],
    ['2025-05-02T00:10:25.889Z', '2025-05-02T00:10:25.889Z'],
    ['2025-05-02T02:10:25+02:00', '2025-05-02T00:10:25.000Z'],
    ['2025-05-02 00:10:25', '2025-05-02T00:10:25.000Z'],
    ['2025-05-02', '2025-05-02T00:00:00.000Z'],
    ['02/05/2025', '2025-05-02T00:00:00.000Z'],
    ['1746144625', '2025-05-02T00:10:25.000Z'],
    ['1746144625000', '2025-05-02T00:10:25.000Z'],
    ['Wed, 10 Sep 2025 16:38:00 +0100', '2025-09-10T15:38:00.000Z'],
    ['Wed, 10 Sep 2025 15:38:00 GMT', '2025-09-10T15:38:00.000Z'],
  ])('should parse %p as %p', (raw, iso) => {
    expect(parseTimestamp(raw)?.toISOString()).toBe(iso);
  });

  it.each([['yesterday'], ['2025-13-01'], ['31/02/2025'], [''], [null], ['12/2025']])('should reject %p', (raw) => {
    expect(parseTimestamp(raw)).toBeNull();
  });
});
