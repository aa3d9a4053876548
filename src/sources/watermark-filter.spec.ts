import type { ExtractContext } from '../etl/extractor/index.js';
import { WatermarkFilter } from './watermark-filter.js';

const ctx = (watermark?: string, lookbackSeconds = 0) => ({ cursor: () => (watermark ? { watermark } : undefined), lookbackSeconds }) as unknown as ExtractContext;
const item = (id: string, last_updated: string) => ({ id, last_updated });

describe(WatermarkFilter.name, () => {
  it('should accept everything on the first run and hand out the newest time only when complete', () => {
    const f = new WatermarkFilter(ctx(), 's');

    expect(f.accept(item('a', '2025-05-02T00:00:00Z'))?.naturalKey).toBe('a@2025-05-02T00:00:00Z');
    expect(f.accept(item('b', '2025-05-01T00:00:00Z'))?.naturalKey).toBe('b@2025-05-01T00:00:00Z');
    expect(f.pending()).toEqual({});
    expect(f.complete()).toEqual({ watermark: '2025-05-02T00:00:00.000Z' });
  });

  it('should skip records older than the watermark and re-read those at it (start inclusive)', () => {
    const f = new WatermarkFilter(ctx('2025-05-02T00:00:00.000Z'), 's');

    expect(f.accept(item('old', '2025-05-01T23:59:59Z'))).toBeUndefined();
    expect(f.accept(item('same', '2025-05-02T00:00:00Z'))).toBeDefined();
    expect(f.pending()).toEqual({ watermark: '2025-05-02T00:00:00.000Z' });
  });

  it('should re-read the lookback window behind the watermark', () => {
    const f = new WatermarkFilter(ctx('2025-05-02T00:00:00.000Z', 3600), 's');

    expect(f.accept(item('late', '2025-05-01T23:30:00Z'))).toBeDefined();
    expect(f.accept(item('older', '2025-05-01T22:30:00Z'))).toBeUndefined();
  });

  it('should keep records without a usable timestamp (the mapper will reject them with a reason)', () => {
    const f = new WatermarkFilter(ctx('2025-05-02T00:00:00.000Z'), 's');
    expect(f.accept(item('x', 'garbage'))?.naturalKey).toBe('x@garbage');
  });
});
