import { CheckpointService } from './checkpoint.service.js';
import type { CheckpointRepository } from './checkpoint.repository.js';

describe(CheckpointService.name, () => {
  const sut = new CheckpointService({} as CheckpointRepository);
  const runStart = new Date('2025-05-02T12:00:00.000Z');

  describe('advance', () => {
    it('should keep cursors without a watermark as proposed', () => {
      expect(sut.advance(undefined, { files: { a: 1 } }, runStart)).toEqual({ files: { a: 1 } });
    });

    it('should move the watermark forward', () => {
      expect(
        sut.advance({ watermark: '2025-05-01T00:00:00.000Z' }, { watermark: '2025-05-02T00:00:00.000Z' }, runStart),
      ).toEqual({ watermark: '2025-05-02T00:00:00.000Z' });
    });

    it('should never move the watermark backwards', () => {
      expect(
        sut.advance(
          { watermark: '2025-05-02T00:00:00.000Z' },
          { watermark: '2025-04-01T00:00:00.000Z', page: 3 },
          runStart,
        ),
      ).toEqual({ watermark: '2025-05-02T00:00:00.000Z', page: 3 });
    });

    it('should never move the watermark past the start of the run', () => {
      expect(sut.advance(undefined, { watermark: '2030-01-01T00:00:00.000Z' }, runStart)).toEqual({
        watermark: '2025-05-02T12:00:00.000Z',
      });
    });

    it('should reject a watermark that is not a timestamp', () => {
      expect(() => sut.advance(undefined, { watermark: 'yesterday' }, runStart)).toThrow(/not an ISO-8601/);
    });
  });
});
