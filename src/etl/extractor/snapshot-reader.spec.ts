import { parseJson } from './json-number.js';
import { SnapshotReader } from './snapshot-reader.js';

describe(SnapshotReader.name, () => {
  const runStart = new Date('2025-05-02T12:00:00.000Z');

  it('should key every record by id and last_updated and skip none, whatever their age or order', () => {
    const sut = new SnapshotReader(runStart);
    const items = [
      { id: 'b', last_updated: '2025-05-02T00:00:00Z' },
      { id: 'a', last_updated: '2020-01-01T00:00:00Z' },
      { id: 'c', last_updated: 'garbage' },
    ];

    const keys = items.map((i) => sut.record(i).naturalKey);
    sut.pageRead();

    expect(keys).toEqual(['b@2025-05-02T00:00:00Z', 'a@2020-01-01T00:00:00Z', 'c@garbage']);
    expect(sut.finished()).toEqual({
      snapshot: {
        read_at: '2025-05-02T12:00:00.000Z',
        pages_read: 1,
        records_read: 3,
        max_last_updated: '2025-05-02T00:00:00.000Z',
        complete: true,
      },
    });
  });

  it('should key numeric ids (lossless JsonNumber too) by their text', () => {
    const sut = new SnapshotReader(runStart);
    const text = '[{"id": 12345678901234567890, "last_updated": "2025-05-02T00:00:00Z"}]';
    const [item] = parseJson(text) as Array<Record<string, unknown>>;

    expect(sut.record(item).naturalKey).toBe('12345678901234567890@2025-05-02T00:00:00Z');
  });

  it('should say a snapshot is incomplete while reading and when stopped early, with the reason', () => {
    const sut = new SnapshotReader(runStart);
    sut.record({ id: 'a', last_updated: '2025-05-01T00:00:00Z' });
    sut.pageRead();

    expect(sut.reading().snapshot).toMatchObject({ complete: false, pages_read: 1 });
    expect(sut.finished('page 2 repeated page 1').snapshot).toMatchObject({
      complete: false,
      stopped_early: 'page 2 repeated page 1',
    });
  });

  it('should carry no watermark, so the engine never filters a snapshot by time', () => {
    expect(new SnapshotReader(runStart).finished()).not.toHaveProperty('watermark');
  });
});
