import { IncrementalWatermark } from '@kasparro/etl-plugin-sdk';

describe('IncrementalWatermark', () => {
  const runStartedAt = new Date('2026-01-10T12:00:00.000Z');

  it('should read everything on the first run and carry no watermark before a record is seen', () => {
    const mark = new IncrementalWatermark({ previous: undefined, lookbackSeconds: 300, runStartedAt });
    expect(mark.since()).toBeUndefined();
    expect(mark.cursor()).toEqual({});
  });

  it('should ask from the watermark minus the lookback, so late records inside the window are read again', () => {
    const mark = new IncrementalWatermark({
      previous: { watermark: '2026-01-10T11:00:00.000Z' },
      lookbackSeconds: 600,
      runStartedAt,
    });
    expect(mark.since()).toBe('2026-01-10T10:50:00.000Z');
  });

  it('should never move the cursor back, nor past the run start', () => {
    const mark = new IncrementalWatermark({
      previous: { watermark: '2026-01-10T11:00:00.000Z' },
      lookbackSeconds: 0,
      runStartedAt,
    });
    mark.observe('2026-01-10T10:00:00.000Z'); // an older, late record: read, but the mark stays
    expect(mark.cursor()).toEqual({ watermark: '2026-01-10T11:00:00.000Z' });
    mark.observe(new Date('2026-01-10T11:30:00.000Z'));
    expect(mark.cursor()).toEqual({ watermark: '2026-01-10T11:30:00.000Z' });
    mark.observe('2026-01-11T00:00:00.000Z'); // a clock ahead of ours
    expect(mark.cursor()).toEqual({ watermark: runStartedAt.toISOString() });
    mark.observe('not a date');
    expect(mark.cursor()).toEqual({ watermark: runStartedAt.toISOString() });
  });
});
