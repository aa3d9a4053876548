import { BadRequestException } from '@nestjs/common';
import { findGaps, resolveHistoryRange } from './history-range.js';

const NOW = new Date('2025-05-10T12:34:56Z');

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    const body = (err as BadRequestException).getResponse() as { errors: Array<{ field: string }> };
    return body.errors[0]?.field;
  }
  return undefined;
}

describe('resolveHistoryRange', () => {
  it('should default to the year of daily buckets ending with the current one', () => {
    const r = resolveHistoryRange({ interval: '1d', now: NOW });

    expect(r.to.toISOString()).toBe('2025-05-11T00:00:00.000Z');
    expect(r.from.toISOString()).toBe('2024-05-11T00:00:00.000Z');
  });

  it('should default to the week of hourly buckets ending with the current hour', () => {
    const r = resolveHistoryRange({ interval: '1h', now: NOW });

    expect(r.to.toISOString()).toBe('2025-05-10T13:00:00.000Z');
    expect(r.to.getTime() - r.from.getTime()).toBe(7 * 86_400_000);
  });

  it('should include a bucket whose start is in [from, to) when from is not aligned', () => {
    const r = resolveHistoryRange({
      interval: '1h',
      from: '2025-05-01T10:30:00Z',
      to: '2025-05-01T12:00:00Z',
      now: NOW,
    });

    expect(new Date(r.firstStart).toISOString()).toBe('2025-05-01T11:00:00.000Z');
    expect(new Date(r.endStart).toISOString()).toBe('2025-05-01T12:00:00.000Z');
  });

  it.each([
    ['5m', '2025-05-01T00:00:00Z', '2025-05-08T00:00:01Z'],
    ['1h', '2024-01-01T00:00:00Z', '2025-02-05T00:00:01Z'],
    ['1d', '2005-05-01T00:00:00Z', '2025-05-01T00:00:01Z'],
  ] as const)('should answer 400 naming from when the %s range is too long', (interval, from, to) => {
    expect(fieldOf(() => resolveHistoryRange({ interval, from, to, now: NOW }))).toBe('from');
  });

  it.each([
    ['5m', '2025-05-01T00:00:00Z', '2025-05-08T00:00:00Z'],
    ['1h', '2024-01-01T00:00:00Z', '2025-02-04T00:00:00Z'],
    ['1d', '2005-05-01T00:00:00Z', '2025-05-01T00:00:00Z'],
  ] as const)('should accept a %s range exactly at its bound', (interval, from, to) => {
    expect(fieldOf(() => resolveHistoryRange({ interval, from, to, now: NOW }))).toBeUndefined();
  });

  it('should answer 400 naming from when from is not before to', () => {
    expect(
      fieldOf(() =>
        resolveHistoryRange({ interval: '1d', from: '2025-05-02T00:00:00Z', to: '2025-05-02T00:00:00Z', now: NOW }),
      ),
    ).toBe('from');
  });
});

describe('findGaps', () => {
  it('should merge consecutive missing buckets into one range, to exclusive', () => {
    const r = resolveHistoryRange({
      interval: '1h',
      from: '2025-05-01T00:00:00Z',
      to: '2025-05-01T06:00:00Z',
      now: NOW,
    });
    const at = (h: number) => Date.parse(`2025-05-01T0${h}:00:00Z`);

    expect(findGaps(r, new Set([at(0), at(3)]))).toEqual([
      { from: '2025-05-01T01:00:00.000Z', to: '2025-05-01T03:00:00.000Z' },
      { from: '2025-05-01T04:00:00.000Z', to: '2025-05-01T06:00:00.000Z' },
    ]);
  });

  it('should report no gap when every bucket is present', () => {
    const r = resolveHistoryRange({
      interval: '1d',
      from: '2025-05-01T00:00:00Z',
      to: '2025-05-03T00:00:00Z',
      now: NOW,
    });

    expect(findGaps(r, new Set([Date.parse('2025-05-01T00:00:00Z'), Date.parse('2025-05-02T00:00:00Z')]))).toEqual([]);
  });
});
