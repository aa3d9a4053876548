import { planChunks } from './backfill-plan.js';

const DAY = 86_400;
const at = (iso: string) => new Date(iso);

describe(planChunks.name, () => {
  it.each([
    ['a range shorter than a chunk', '2025-01-01T00:00:00Z', '2025-01-10T00:00:00Z', 90 * DAY, 1],
    ['exactly one chunk', '2025-01-01T00:00:00Z', '2025-04-01T00:00:00Z', 90 * DAY, 1],
    ['200 days in 90-day chunks', '2025-01-01T00:00:00Z', '2025-07-20T00:00:00Z', 90 * DAY, 3],
    ['an empty range', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 90 * DAY, 0],
    ['odd seconds', '2025-01-01T00:00:07Z', '2025-01-01T00:01:00Z', 10, 6],
  ])('should cover %s with no gap and no overlap', (_case, from, to, max, count) => {
    const chunks = planChunks(at(from), at(to), max);

    expect(chunks).toHaveLength(count);
    if (count === 0) return;
    expect(chunks[0].from).toEqual(at(from));
    expect(chunks.at(-1)!.to).toEqual(at(to));
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].from).toEqual(chunks[i - 1].to);
    for (const c of chunks) expect(c.to.getTime() - c.from.getTime()).toBeLessThanOrEqual(max * 1000);
  });
});
