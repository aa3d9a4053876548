import { CopyFirstPolicy, copyCell, copyLine } from './copy-rows.js';

describe('copyCell (COPY text format)', () => {
  it.each([
    [null, '\\N'],
    [undefined, '\\N'],
    ['plain', 'plain'],
    ['', ''],
    [42, '42'],
    [1.5, '1.5'],
    [true, 'true'],
    [new Date('2024-01-02T03:04:05.678Z'), '2024-01-02T03:04:05.678Z'],
    ['tab\there', 'tab\\there'],
    ['line\nbreak\r\n', 'line\\nbreak\\r\\n'],
    ['back\\slash', 'back\\\\slash'],
    ['{"json":"a\\"b"}', '{"json":"a\\\\"b"}'],
    ['\\N', '\\\\N'],
  ])('should encode %j as %j', (value, expected) => {
    expect(copyCell(value)).toBe(expected);
  });
});

describe('copyLine', () => {
  it('should join escaped cells with tabs and end the row with a newline', () => {
    expect(copyLine(['a\tb', null, 3])).toBe('a\\tb\t\\N\t3\n');
    expect(copyLine([null])).toBe('\\N\n');
  });
});

describe('CopyFirstPolicy', () => {
  it('should try every batch until one conflicts, then skip 1, 2, 4 … batches, and reset on success', () => {
    const policy = new CopyFirstPolicy();
    const pattern = (n: number) => Array.from({ length: n }, () => policy.shouldTry());
    expect(pattern(3)).toEqual([true, true, true]);
    policy.record(false);
    expect(pattern(2)).toEqual([false, true]);
    policy.record(false);
    expect(pattern(3)).toEqual([false, false, true]);
    policy.record(false);
    expect(pattern(5)).toEqual([false, false, false, false, true]);
    policy.record(true);
    policy.record(false);
    expect(pattern(2)).toEqual([false, true]);
  });

  it('should never skip more than 32 batches in a row', () => {
    const policy = new CopyFirstPolicy();
    for (let i = 0; i < 20; i++) {
      while (!policy.shouldTry()) {
        /* skipped */
      }
      policy.record(false);
    }
    let skipped = 0;
    while (!policy.shouldTry()) skipped += 1;
    expect(skipped).toBe(32);
  });
});
