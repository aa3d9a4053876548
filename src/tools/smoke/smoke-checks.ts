import { HISTORY_CHECK } from './history-check.js';
import { SkipCheck, type SmokeCheck, type SmokeContext } from './smoke-check.js';

export { SkipCheck, type SmokeCheck, type SmokeContext };

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function enabledSources(ctx: SmokeContext): Promise<string[]> {
  const res = await ctx.get('/etl/sources');
  assert(res.status === 200, `GET /etl/sources answered ${res.status}`);
  return (res.json().data as Array<{ id: string; enabled: boolean }>).filter((s) => s.enabled).map((s) => s.id);
}

async function dataTotal(ctx: SmokeContext): Promise<number> {
  const res = await ctx.get('/data?limit=1');
  assert(res.status === 200, `GET /data answered ${res.status}`);
  return Number(res.json().pagination.total);
}

async function waitForRun(ctx: SmokeContext, runId: string): Promise<string> {
  const deadline = Date.now() + 180_000;
  let status = 'running';
  while (status === 'running' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const run = await ctx.get(`/runs/${runId}`);
    status = run.status === 200 ? (run.json().data.status as string) : 'running';
  }
  assert(status !== 'running', `run ${runId} did not finish within 180 s`);
  return status;
}

async function recordsOf(ctx: SmokeContext, source: string): Promise<number> {
  const stats = (await ctx.get('/stats')).json().data.sources as Array<{ source: string; records_total: number }>;
  return Number(stats.find((s) => s.source === source)?.records_total ?? 0);
}

/** POST that waits out a 409 (the source is running, e.g. on schedule) for up to a minute. */
async function postWhenIdle(ctx: SmokeContext, path: string, body: unknown): ReturnType<SmokeContext['post']> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await ctx.post(path, body, { 'x-api-key': ctx.adminKey! });
    if (res.status !== 409 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export const CHECKS: SmokeCheck[] = [
  {
    name: 'health: live, ready and overall (database connected, ETL status)',
    async run(ctx) {
      const live = await ctx.get('/health/live');
      assert(live.status === 200, `/health/live answered ${live.status}`);
      const ready = await ctx.get('/health/ready');
      assert(ready.status === 200, `/health/ready answered ${ready.status}: ${ready.text.slice(0, 200)}`);
      const overall = await ctx.get('/health');
      assert(overall.status === 200, `/health answered ${overall.status}`);
      const details = overall.json().details;
      assert(details?.database?.status === 'up', '/health does not report the database as up');
      assert(details?.etl?.sources, '/health does not report the ETL status per source');
      return `database up; degraded sources: ${(details.etl.degraded as string[]).join(', ') || 'none'}`;
    },
  },
  {
    name: 'ingestion: records present from every enabled source',
    async run(ctx) {
      const sources = await enabledSources(ctx);
      const stats = (await ctx.get('/stats')).json().data.sources as Array<{ source: string; records_total: number }>;
      const empty = sources.filter((s) => !(Number(stats.find((x) => x.source === s)?.records_total) > 0));
      assert(empty.length === 0, `no records from: ${empty.join(', ')}`);
      return sources.map((s) => `${s}=${stats.find((x) => x.source === s)!.records_total}`).join(' ');
    },
  },
  {
    name: '/data: filtering (source, symbol, time range) and cursor pagination without overlap',
    async run(ctx) {
      const first = (await ctx.get('/data?limit=5')).json();
      assert(first.data.length > 0, '/data returned no rows');
      const row = first.data[0];
      const bySource = (await ctx.get(`/data?source=${encodeURIComponent(row.source)}&limit=50`)).json().data as Array<{
        source: string;
      }>;
      assert(
        bySource.length > 0 && bySource.every((r) => r.source === row.source),
        'source filter returned other sources',
      );
      const bySymbol = (await ctx.get(`/data?symbol=${encodeURIComponent(row.asset.symbol)}&limit=50`)).json()
        .data as Array<{ asset: { symbol: string } }>;
      assert(
        bySymbol.length > 0 &&
          bySymbol.every((r) => r.asset.symbol.toUpperCase() === String(row.asset.symbol).toUpperCase()),
        'symbol filter returned other symbols',
      );
      const at = Date.parse(row.observed_at);
      const from = new Date(at - 1000).toISOString();
      const to = new Date(at + 1000).toISOString();
      const inRange = (await ctx.get(`/data?from=${from}&to=${to}&limit=100`)).json().data as Array<{
        observed_at: string;
      }>;
      assert(
        inRange.length > 0 &&
          inRange.every((r) => Date.parse(r.observed_at) >= at - 1000 && Date.parse(r.observed_at) < at + 1000),
        'time range filter returned rows outside the range',
      );
      assert(first.pagination.next_cursor, 'no next_cursor on a full first page');
      const second = (await ctx.get(`/data?limit=5&cursor=${encodeURIComponent(first.pagination.next_cursor)}`)).json();
      const ids = new Set((first.data as Array<{ id: string }>).map((r) => r.id));
      assert(second.data.length > 0, 'second page is empty');
      assert(
        (second.data as Array<{ id: string }>).every((r) => !ids.has(r.id)),
        'cursor pages overlap',
      );
      return `total ${first.pagination.total}`;
    },
  },
  HISTORY_CHECK,
  {
    name: '/prices: latest prices of several assets in one call (consensus, per-source quotes, not_found, 250 cap)',
    async run(ctx) {
      const rows = (await ctx.get('/data?limit=20')).json().data as Array<{ asset: { symbol: string } }>;
      assert(rows.length > 0, 'GET /data returned no rows to take symbols from');
      const symbols = [...new Set(rows.map((r) => String(r.asset.symbol).toUpperCase()))].slice(0, 3);
      const res = await ctx.get(`/prices?symbols=${encodeURIComponent([...symbols, 'NOSUCHSMOKE1'].join(','))}`);
      assert(res.status === 200, `GET /prices answered ${res.status}: ${res.text.slice(0, 200)}`);
      const body = res.json();
      const items: Array<{ asset: { symbol: string }; consensus_price_usd: string | null; sources: unknown }> =
        body.data;
      for (const symbol of symbols) {
        assert(
          items.some((i) => i.asset?.symbol === symbol),
          `/prices has no item for ${symbol}`,
        );
      }
      for (const i of items) {
        const keys = Object.keys(i).sort().join(',');
        assert(
          keys === 'asset,consensus_price_usd,divergent,observed_at,sources,spread_pct',
          `/prices item has the keys ${keys}`,
        );
        assert(
          i.consensus_price_usd === null || /^-?\d+(\.\d+)?$/.test(i.consensus_price_usd),
          `consensus ${i.consensus_price_usd} is not a decimal string`,
        );
        assert(Array.isArray(i.sources) && i.sources.length > 0, `/prices item ${i.asset.symbol} has no sources`);
        for (const q of i.sources as Array<{
          source: string;
          price_usd: unknown;
          fresh: unknown;
          age_seconds: unknown;
        }>) {
          assert(
            typeof q.price_usd === 'string' && typeof q.fresh === 'boolean' && Number.isFinite(q.age_seconds),
            `/prices source ${q.source} is malformed`,
          );
        }
      }
      assert(
        JSON.stringify(body.metadata?.not_found) === '["NOSUCHSMOKE1"]',
        `metadata.not_found is ${JSON.stringify(body.metadata?.not_found)}`,
      );
      const tooMany = await ctx.get(`/prices?symbols=${Array.from({ length: 251 }, (_, i) => `S${i}`).join(',')}`);
      assert(
        tooMany.status === 400 && tooMany.json().errors?.[0]?.field === 'symbols',
        `251 symbols answered ${tooMany.status}, not a 400 naming symbols`,
      );
      return `${items.length} asset(s) for ${symbols.join(',')}; ${items.filter((i) => i.consensus_price_usd !== null).length} with a consensus`;
    },
  },
  {
    name: '/stats: per-source run statistics',
    async run(ctx) {
      const res = await ctx.get('/stats');
      assert(res.status === 200, `/stats answered ${res.status}`);
      const sources = res.json().data.sources as Array<{ source: string; last_run_status: string | null }>;
      const enabled = await enabledSources(ctx);
      const missing = enabled.filter((s) => !sources.some((x) => x.source === s && x.last_run_status));
      assert(missing.length === 0, `no run statistics for: ${missing.join(', ')}`);
      return sources.map((s) => `${s.source}:${s.last_run_status}`).join(' ');
    },
  },
  {
    name: '/metrics: ETL metrics exposed and non-zero after a run',
    async run(ctx) {
      const res = await ctx.get('/metrics');
      assert(res.status === 200, `/metrics answered ${res.status}`);
      for (const name of [
        'etl_records_total',
        'etl_runs_total',
        'etl_run_duration_seconds_count',
        'http_request_duration_seconds_count',
      ]) {
        assert(res.text.includes(name), `metric ${name} missing`);
      }
      const records = res.text.split('\n').filter((l) => l.startsWith('etl_records_total{'));
      const sum = records.reduce((s, l) => s + Number(l.split(' ').pop()), 0);
      assert(sum > 0, 'etl_records_total is zero: no run has been counted by this instance');
      return `etl_records_total sum ${sum}`;
    },
  },
  {
    name: 'schema drift: the drift events endpoint answers',
    async run(ctx) {
      const res = await ctx.get('/drift-events?limit=5');
      assert(res.status === 200, `/drift-events answered ${res.status}`);
      assert(Array.isArray(res.json().data), '/drift-events has no data array');
      return `${res.json().pagination.total ?? res.json().data.length} event(s)`;
    },
  },
  {
    name: 'recovery: a triggered run completes and record counts do not double',
    async run(ctx) {
      if (!ctx.adminKey) throw new SkipCheck('no --admin-key given');
      const before = await dataTotal(ctx);
      const res = await ctx.post('/etl/runs', {}, { 'x-api-key': ctx.adminKey });
      assert(res.status === 202, `POST /etl/runs answered ${res.status}: ${res.text.slice(0, 200)}`);
      const runId = res.json().data.run_id as string;
      const status = await waitForRun(ctx, runId);
      assert(['succeeded', 'partial', 'rate_limited'].includes(status), `run ${runId} ended ${status}`);
      const after = await dataTotal(ctx);
      assert(
        after >= before && after < before * 2,
        `record count went from ${before} to ${after}: the re-run was not idempotent`,
      );
      return `run ${runId} ${status}; quotes ${before} -> ${after}`;
    },
  },
  {
    // The drop-folder source re-reads the same files: the one input that cannot change between runs.
    name: 'reset: after a reset of the csv streams a re-run re-reads everything and writes no new row',
    async run(ctx) {
      if (!ctx.adminKey) throw new SkipCheck('no --admin-key given');
      if (!(await enabledSources(ctx)).includes('csv')) throw new SkipCheck('the csv source is not enabled');
      const before = await recordsOf(ctx, 'csv');
      const reset = await postWhenIdle(ctx, '/etl/sources/csv/reset', {});
      assert(reset.status === 200, `POST /etl/sources/csv/reset answered ${reset.status}: ${reset.text.slice(0, 200)}`);
      const streams = reset.json().data.streams_reset as string[];
      const cursor =
        (await ctx.get('/stats')).json().data.sources.find((s: { source: string }) => s.source === 'csv')?.cursor ?? {};
      const notEmpty = streams.filter((s) => cursor[s] && Object.keys(cursor[s]).length > 0);
      assert(notEmpty.length === 0, `/stats still shows a cursor for reset stream(s) ${notEmpty.join(', ')}`);
      const res = await postWhenIdle(ctx, '/etl/runs', { sources: ['csv'] });
      assert(res.status === 202, `POST /etl/runs answered ${res.status}: ${res.text.slice(0, 200)}`);
      const runId = res.json().data.run_id as string;
      const status = await waitForRun(ctx, runId);
      assert(status === 'succeeded', `re-run ${runId} after the reset ended ${status}`);
      const run = (await ctx.get(`/runs/${runId}`)).json().data;
      const extracted = Number(run.records?.extracted);
      assert(
        extracted > 0,
        `re-run ${runId} after the reset extracted ${run.records?.extracted}: the reset did not make it re-read`,
      );
      assert(
        Number(run.records?.inserted) === 0,
        `re-run ${runId} after the reset inserted ${run.records?.inserted} row(s): not idempotent`,
      );
      const after = await recordsOf(ctx, 'csv');
      assert(after === before, `csv records went from ${before} to ${after} after reset + re-run: not idempotent`);
      return `reset ${streams.join(', ')}; re-run ${runId} re-read ${extracted} record(s); csv records ${before} = ${after}`;
    },
  },
  {
    name: 'rate limiting: per-source limits visible, API throttle answers 429 under a burst',
    async run(ctx) {
      const json = (await ctx.get('/observability/metrics/json')).json();
      const limits = json.data.rate_limits as Array<{ source: string; requests_per_minute: number }>;
      const enabled = await enabledSources(ctx);
      const httpSources = enabled.filter((s) => s !== 'csv');
      const missing = httpSources.filter((s) => !limits.some((l) => l.source === s && l.requests_per_minute > 0));
      assert(missing.length === 0, `no rate limit visible for: ${missing.join(', ')}`);
      // Bounded burst against the given URL only: stop at the first 429, at most 400 requests.
      for (let i = 0; i < 400; i += 20) {
        const answers = await Promise.all(Array.from({ length: 20 }, () => ctx.get('/data?limit=1')));
        const throttled = answers.find((a) => a.status === 429);
        if (throttled) {
          assert(throttled.headers.get('retry-after'), '429 without a Retry-After header');
          return `429 after about ${i + 20} requests; Retry-After ${throttled.headers.get('retry-after')}s`;
        }
      }
      throw new Error('no 429 after a burst of 400 requests');
    },
  },
  {
    name: 'container health: /health/live answers within the probe timeout',
    async run(ctx) {
      const started = Date.now();
      const res = await ctx.get('/health/live', { timeoutMs: 3000 });
      const ms = Date.now() - started;
      assert(res.status === 200, `/health/live answered ${res.status} (also under throttling it must answer)`);
      return `${ms} ms`;
    },
  },
];
