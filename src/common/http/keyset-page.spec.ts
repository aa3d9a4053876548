import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import { newestFirstList, toKeysetPage, toTimePage } from './keyset-page.js';

const total = { total: 3, estimate: false };

describe('toKeysetPage', () => {
  it("should drop the extra row and encode the last returned row's key when another page exists", () => {
    const page = toKeysetPage({
      rows: [{ k: 'a' }, { k: 'b' }, { k: 'c' }],
      limit: 2,
      sort: 'things',
      keyOf: (r) => [r.k],
      map: (r) => r.k,
      total,
    });
    expect(page.data).toEqual(['a', 'b']);
    expect(decodeCursor(page.pagination.next_cursor!, 'things', ['text'])).toEqual(['b']);
    expect(page.pagination).toMatchObject({ limit: 2, total: 3, total_is_estimate: false });
  });

  it('should give no cursor when the rows fit the page', () => {
    const page = toKeysetPage({
      rows: [{ k: 'a' }],
      limit: 2,
      sort: 'things',
      keyOf: (r) => [r.k],
      map: (r) => r,
      total,
    });
    expect(page.pagination.next_cursor).toBeNull();
  });
});

describe('toTimePage', () => {
  it('should keep a string timestamp verbatim (microseconds) and turn a Date into ISO-8601', () => {
    const rows = [
      { id: '2', at: '2025-05-02T00:00:00.123456Z' },
      { id: '1', at: '2025-05-01T00:00:00.000Z' },
    ];
    const micro = toTimePage({ rows, limit: 1, sort: 'news', at: (r) => r.at, map: (r) => r.id, total });
    expect(decodeCursor(micro.pagination.next_cursor!, 'news', ['timestamp', 'bigint'])).toEqual([
      '2025-05-02T00:00:00.123456Z',
      '2',
    ]);
    const dated = toTimePage({ rows, limit: 1, sort: 'news', at: (r) => new Date(r.at), map: (r) => r.id, total });
    expect(decodeCursor(dated.pagination.next_cursor!, 'news', ['timestamp', 'bigint'])).toEqual([
      '2025-05-02T00:00:00.123Z',
      '2',
    ]);
  });
});

describe('newestFirstList', () => {
  it('should read limit + 1 rows after the decoded cursor and key the page by cursor_at and id', async () => {
    const reads: Array<[number, [string, string] | undefined]> = [];
    const page = await newestFirstList({
      query: { limit: 1, cursor: encodeCursor('news', ['2025-05-03T00:00:00.000001Z', '9']) },
      sort: 'news',
      read: (limit, after) => {
        reads.push([limit, after]);
        return Promise.resolve({
          rows: [
            { id: '3', cursor_at: '2025-05-02T00:00:00.000002Z' },
            { id: '2', cursor_at: '2025-05-01T00:00:00.000000Z' },
          ],
          total,
        });
      },
      map: (r) => r.id,
    });
    expect(reads).toEqual([[1, ['2025-05-03T00:00:00.000001Z', '9']]]);
    expect(page.data).toEqual(['3']);
    expect(decodeCursor(page.pagination.next_cursor!, 'news', ['timestamp', 'bigint'])).toEqual([
      '2025-05-02T00:00:00.000002Z',
      '3',
    ]);
  });
});
