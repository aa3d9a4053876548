import { copyCell } from './copy-rows.js';

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
