import { numberShape, readCsvNumber, type FileDecimalMark, type NumberShape } from './csv-numbers.js';

describe('numberShape', () => {
  it.each<[string, NumberShape]>([
    ['96518', 'plain'],
    ['1 234', 'plain'],
    ['N/A', 'plain'],
    ['', 'plain'],
    ['$96518', 'plain'],
    ['96518.00', 'point'],
    ['0.5', 'point'],
    ['.5', 'point'],
    ['1.2e3', 'point'],
    ['1.234e5', 'point'],
    ['-0.179', 'point'],
    ['1,234.50', 'point'],
    ['30,334,935,517', 'point'],
    ['$96,518.00', 'point'],
    ['1,23,456.78', 'point'],
    ['1 234.567', 'point'],
    ["1'234.5", 'point'],
    ['0.123', 'point'],
    ['1234.567', 'point'],
    ['2.5%', 'point'],
    ['2,75', 'comma'],
    ['0,123', 'comma'],
    ['1234,567', 'comma'],
    ['1.234,50', 'comma'],
    ['1.234.567', 'comma'],
    ['1 234,50', 'comma'],
    ['1 234,567', 'comma'],
    ['12,5%', 'comma'],
    ['-0,5', 'comma'],
    ['1,5e3', 'comma'],
    ['1.234.567,891', 'comma'],
    ['1,234', 'ambiguous'],
    ['12.345', 'ambiguous'],
    ['999,999', 'ambiguous'],
    ['$1,234', 'ambiguous'],
    ['-1.234', 'ambiguous'],
    ['1,234%', 'ambiguous'],
    [' 1,234 ', 'ambiguous'],
    ['1,234 %', 'ambiguous'],
    ['1,2,3.4,5', 'other'],
    ['1.2.3,4,5', 'other'],
    ['1,234.5.6', 'other'],
  ])('should see %p as %p', (text, shape) => {
    expect(numberShape(text)).toBe(shape);
  });

  it('should read only the given range of a longer text', () => {
    const line = 'BTC;"1,234";2,75;9';
    expect([numberShape(line, 5, 10), numberShape(line, 12, 16), numberShape(line, 17, 18)]).toEqual([
      'ambiguous',
      'comma',
      'plain',
    ]);
  });
});

describe('readCsvNumber', () => {
  type Case = [string, FileDecimalMark | undefined, string | null | RegExp];
  it.each<Case>([
    // Values with one reading: the same under every file format that allows them.
    ['96518.00', undefined, '96518.00'],
    ['$96,518.00', undefined, '96518.00'],
    ['2,75', undefined, '2.75'],
    ['1.234,50', undefined, '1234.50'],
    ['1 234,50', undefined, '1234.50'],
    ['1,234.50', undefined, '1234.50'],
    ['12,5%', undefined, '12.5'],
    ["1'234.5", undefined, '1234.5'],
    ['1.234.567', undefined, '1234567'],
    ['30,334,935,517', undefined, '30334935517'],
    ['N/A', undefined, null],
    ['', undefined, null],
    ['+2,5', undefined, '2.5'],
    ['1,5e3', undefined, '1.5e3'],
    // Two readings: the file's mark decides, or nothing does.
    ['1,234', '.', '1234'],
    ['1,234', ',', '1.234'],
    ['1.234', '.', '1.234'],
    ['1.234', ',', '1234'],
    ['$1,234', ',', '1.234'],
    ['1,234', undefined, /^ambiguous number "1,234": .*neither declared/],
    ['1.234', 'mixed', /^ambiguous number "1.234": .*mixes/],
    // A value the file's mark forbids.
    ['2,75', '.', /^not a number in this file's decimal point format: "2,75"$/],
    ['1.234,50', '.', /decimal point format/],
    ['0.5', ',', /^not a number in this file's decimal comma format: "0.5"$/],
    ['1,234.50', ',', /decimal comma format/],
    ['1,2,3.4,5', undefined, /^not a number: "1,2,3.4,5"$/],
    ['1.234.567', '.', /^not a number: "1.234.567"$/],
    ['abc', ',', /^not a number: "abc"$/],
  ])('should read %p in a file of mark %p as %p', (raw, mark, expected) => {
    const result = readCsvNumber(raw, mark);
    if (expected instanceof RegExp) expect(result).toEqual({ ok: false, reason: expect.stringMatching(expected) });
    else expect(result).toEqual({ ok: true, value: expected });
  });

  it('should never read a decimal-comma value as a larger number (the old 2,75 -> 275)', () => {
    for (const mark of [undefined, ',', 'mixed'] as const) {
      for (const [raw, value] of [
        ['2,75', '2.75'],
        ['0,1795', '0.1795'],
        ['1.234,50', '1234.50'],
        ['12,5', '12.5'],
      ]) {
        expect(readCsvNumber(raw, mark)).toEqual({ ok: true, value });
      }
    }
  });

  it('should pass non-string values (JSON numbers) to cleanDecimal', () => {
    expect([readCsvNumber(1.5), readCsvNumber(null), readCsvNumber(undefined)]).toEqual([
      { ok: true, value: '1.5' },
      { ok: true, value: null },
      { ok: true, value: null },
    ]);
  });
});
