import type { HistoryBucketDto } from '../../api/assets/price-history/price-history.dto.js';
import type { SmokeCheck } from './smoke-check.js';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * GET /assets/{id}/history: the hour of a stored quote has its bucket (the rollups are kept), the
 * shape is the documented one, and a range beyond the interval's bound is a 400 naming `from`.
 */
export const HISTORY_CHECK: SmokeCheck = {
  name: '/assets/{id}/history: hourly rollup bucket of a stored quote, gaps, range bound 400',
  async run(ctx) {
    const rows = (await ctx.get('/data?limit=1')).json().data as Array<{
      asset: { id: string };
      source: string;
      observed_at: string;
    }>;
    assert(rows.length > 0, '/data returned no rows');
    const { asset, source, observed_at: observedAt } = rows[0];
    const day = Math.floor(Date.parse(observedAt) / DAY_MS) * DAY_MS;
    const hour = new Date(Math.floor(Date.parse(observedAt) / HOUR_MS) * HOUR_MS).toISOString();
    const range = `from=${new Date(day).toISOString()}&to=${new Date(day + DAY_MS).toISOString()}`;
    const res = await ctx.get(`/assets/${asset.id}/history?interval=1h&${range}`);
    assert(res.status === 200, `GET /assets/{id}/history answered ${res.status}: ${res.text.slice(0, 200)}`);
    const body = res.json();
    assert(
      body.data?.asset?.id === asset.id && body.data.interval === '1h',
      'history has no data.asset / data.interval',
    );
    assert(
      Array.isArray(body.data.consensus) && Array.isArray(body.metadata?.gaps),
      'history has no data.consensus or metadata.gaps',
    );
    const buckets = body.data.buckets as HistoryBucketDto[];
    const mine = buckets.find((b) => b.start === hour && b.source === source);
    assert(
      mine,
      `no ${source} bucket at ${hour} although /data has a quote observed at ${observedAt}: rollups not maintained?`,
    );
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      assert(typeof mine[field] === 'string', `bucket ${field} is not a decimal string`);
    }
    assert(mine.observations >= 1, `bucket observations ${mine.observations}`);
    const slots = 24 - new Set(buckets.map((b) => b.start)).size;
    const gapHours = (body.metadata.gaps as Array<{ from: string; to: string }>).reduce(
      (n, g) => n + (Date.parse(g.to) - Date.parse(g.from)) / HOUR_MS,
      0,
    );
    assert(gapHours === slots, `metadata.gaps cover ${gapHours} h but ${slots} hour(s) have no bucket`);
    const tooLong = await ctx.get(
      `/assets/${asset.id}/history?interval=5m&${`from=${new Date(day - 8 * DAY_MS).toISOString()}&to=${new Date(day).toISOString()}`}`,
    );
    assert(
      tooLong.status === 400 && tooLong.text.includes('from'),
      `5m over 8 days answered ${tooLong.status}, not a 400 naming from`,
    );
    return `${buckets.length} hourly bucket(s) on ${new Date(day).toISOString().slice(0, 10)}, ${body.metadata.gaps.length} gap(s)`;
  },
};
