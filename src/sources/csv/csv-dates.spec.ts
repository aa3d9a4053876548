import { dateShape, readCsvDate, type DateShape, type FileDateOrder } from './csv-dates.js';

describe('dateShape', () => {
  it.each<[string, DateShape]>([
    ['13/04/2025', 'dmy'],
    ['31.12.2024', 'dmy'],
    ['13/4/2025', 'dmy'],
    ['25/1/2025', 'dmy'],
    ['04/13/2025', 'mdy'],
    ['12/31/2024', 'mdy'],
    ['1/25/2025', 'mdy'],
    ['03/04/2025', 'ambiguous'],
    ['3/4/2025', 'ambiguous'],
    ['12.11.2025', 'ambiguous'],
    ['01/02/2025', 'ambiguous'],
    ['04/04/2025', 'either'],
    ['12/12/2025', 'either'],
    ['13/13/2025', 'invalid'],
    ['00/05/2025', 'invalid'],
    ['32/01/2025', 'invalid'],
    ['2025-04-03', 'none'],
    ['2025-04-03T00:00:00Z', 'none'],
    ['1746230400', 'none'],
    ['03/04/25', 'none'],
    ['03-04-2025', 'none'],
    ['03/04.2025', 'none'],
    ['someday', 'none'],
    ['', 'none'],
    [' 13/04/2025 ', 'dmy'],
    ['13/04/2025\r', 'dmy'],
  ])('should see %p as %p', (text, shape) => {
    expect(dateShape(text)).toBe(shape);
  });
});

describe('readCsvDate', () => {
  it.each<[string, FileDateOrder | undefined, string | RegExp]>([
    ['13/04/2025', undefined, '2025-04-13'],
    ['04/13/2025', undefined, '2025-04-13'],
    ['04/04/2025', undefined, '2025-04-04'],
    ['03/04/2025', 'dmy', '2025-04-03'],
    ['03/04/2025', 'mdy', '2025-03-04'],
    ['3.4.2025', 'dmy', '2025-04-03'],
    ['13/04/2025', 'dmy', '2025-04-13'],
    ['04/13/2025', 'mdy', '2025-04-13'],
    ['2025-05-02', 'mdy', '2025-05-02'],
    ['2025-05-02T00:10:25Z', undefined, '2025-05-02T00:10:25'],
    ['1746230400', 'dmy', '2025-05-03'],
    ['03/04/2025', undefined, /^ambiguous date "03\/04\/2025": .*neither declared/],
    ['03/04/2025', 'mixed', /^ambiguous date "03\/04\/2025": .*both orders/],
    ['13/04/2025', 'mdy', /^not a date in this file's day\/month order \(month first\): "13\/04\/2025"$/],
    ['04/13/2025', 'dmy', /^not a date in this file's day\/month order \(day first\): "04\/13\/2025"$/],
    ['31/02/2025', undefined, /^unrecognised timestamp "31\/02\/2025"$/],
    ['02/31/2025', 'mdy', /^unrecognised timestamp/],
    ['13/13/2025', undefined, /^unrecognised timestamp/],
    ['someday', 'dmy', /^unrecognised timestamp "someday"$/],
  ])('should read %p in a file of order %p as %p', (raw, order, expected) => {
    const result = readCsvDate(raw, order);
    if (expected instanceof RegExp) expect(result).toEqual({ ok: false, reason: expect.stringMatching(expected) });
    else expect(result.ok && result.value.toISOString().slice(0, expected.length)).toBe(expected);
  });

  it('should name a missing timestamp like before', () => {
    expect(readCsvDate(undefined)).toEqual({ ok: false, reason: 'unrecognised timestamp ""' });
  });
});
