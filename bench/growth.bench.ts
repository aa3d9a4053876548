import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EXACT_TOTAL_LIMIT } from '../src/common/sql/list-total.js';
import { benchServer, freshDatabase, serverVersion } from './bench-db.js';
import { generateCsv } from './generate-csv.js';
import { appendReport } from './report.js';
import { runMain } from './run-main.js';
import { compactOnce, runSourceOnce, startProcess } from './service-run.js';

const STEPS = Number(process.env.BENCH_GROWTH_STEPS ?? 10);
const ROWS = Number(process.env.BENCH_GROWTH_ROWS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_GROWTH_REQUESTS ?? 200);
const PORT = Number(process.env.BENCH_GROWTH_PORT ?? 18191);
const ASSETS = 3000;
const BATCH = process.env.ETL_BATCH_SIZE ?? '5000';
const DIR = path.join(__dirname, '../../bench/.generated', `growth-${process.pid}`);
/** The stores a quote's bytes are summed over: the quotes with their indexes, and the raw payloads (rows and compacted chunks). */
const QUOTE_RELATIONS = ['market_quotes'];
const RAW_RELATIONS = ['raw_records', 'raw_record_chunks'];
const FIRST_INSTANT = Date.parse('2024-01-01T00:00:00Z');

interface Latency {
  p50: number;
  p99: number;
  errors: number;
}

interface Sizes {
  quoteBytes: number;
  rawBytes: number;
}

interface Step extends Sizes {
  quotes: number;
  seconds: number;
  /** Right after the drop, before the maintenance pass compacted the closed partitions. */
  open: Sizes;
  compactSeconds: number;
  countersExact: boolean;
  stats: Latency;
  dataCold: Latency;
  dataWarm: Latency;
  asset: Latency;
}

/**
 * Bytes on disk of relations and, when partitioned, all their partitions (pg_partition_tree; a
 * plain table, which it does not list, is added itself: the sum works either way), indexes and
 * TOAST included (a partitioned parent has no storage of its own: it adds 0).
 */
async function diskBytes(c: Client, relations: string[]): Promise<number> {
  const { rows } = await c.query<{ n: string }>(
    `WITH tree AS (
       SELECT t.relid FROM unnest($1::text[]) AS r(name), LATERAL pg_partition_tree(to_regclass(r.name)) t
       UNION SELECT to_regclass(r.name) FROM unnest($1::text[]) AS r(name) WHERE to_regclass(r.name) IS NOT NULL)
     SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::bigint::text AS n FROM tree`,
    [relations],
  );
  return Number(rows[0].n);
}

/** A short sequential burst (one request at a time): p50/p99 of each request's own latency, in ms. */
async function burst(url: (i: number) => string, n: number): Promise<Latency> {
  const ms: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    try {
      const res = await fetch(url(i));
      await res.arrayBuffer();
      if (res.status !== 200) errors += 1;
    } catch {
      errors += 1;
    }
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(ms.length * q))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), errors };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** The API's latencies on the database as it is now, from a service process started for them. */
async function measureApi(url: string, step: number): Promise<Pick<Step, 'stats' | 'dataCold' | 'dataWarm' | 'asset'>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const assetId = (await c.query<{ id: string }>(`SELECT id FROM assets ORDER BY rank LIMIT 1`)).rows[0].id;
  await c.end();
  const env = {
    DATABASE_URL: url,
    ETL_SOURCES: '',
    ETL_SCHEDULER_ENABLED: 'false',
    ETL_RUN_ON_START: 'false',
    LOG_LEVEL: 'warn',
    API_THROTTLE_LIMIT: '100000000',
  };
  const service = await startProcess(path.join(__dirname, '../src/main.js'), PORT, env);
  const base = `http://127.0.0.1:${PORT}`;
  try {
    const warmUp = Math.max(1, Math.round(REQUESTS / 10));
    await burst(() => `${base}/stats`, warmUp);
    const stats = await burst(() => `${base}/stats`, REQUESTS);
    // A filter no request has used before (its `from` moves by a millisecond): every request counts
    // its total afresh (no count cache), over a range holding nearly every row.
    const coldFrom = (i: number) => new Date(FIRST_INSTANT + step * 100_000 + i + 1).toISOString();
    const dataCold = await burst((i) => `${base}/data?limit=50&from=${coldFrom(i)}`, REQUESTS);
    await burst(() => `${base}/data?limit=50`, warmUp);
    const dataWarm = await burst(() => `${base}/data?limit=50`, REQUESTS);
    await burst(() => `${base}/assets/${assetId}`, warmUp);
    const asset = await burst(() => `${base}/assets/${assetId}`, REQUESTS);
    return { stats, dataCold, dataWarm, asset };
  } finally {
    await stop(service);
  }
}

/** The plans behind the flat costs, at the final size (for docs/BENCHMARKS.md). */
async function plans(c: Client): Promise<string> {
  const from = new Date(FIRST_INSTANT + 1).toISOString();
  const out: string[] = [];
  for (const [label, sql, args] of [
    [
      '/stats and unfiltered or per-source totals: the counters',
      `SELECT coalesce(sum(rows), 0) FROM source_counters WHERE table_name = 'market_quotes'`,
      [],
    ],
    [
      `filtered /data total: a count bounded at ${EXACT_TOTAL_LIMIT + 1} rows (then the planner's estimate)`,
      `SELECT count(*) FROM (SELECT 1 FROM market_quotes q WHERE q.observed_at >= $1 LIMIT ${EXACT_TOTAL_LIMIT + 1}) bounded`,
      [from],
    ],
    ['the estimate itself (planning only)', `SELECT 1 FROM market_quotes q WHERE q.observed_at >= $1`, [from]],
  ] as Array<[string, string, unknown[]]>) {
    const explain = label.startsWith('the estimate')
      ? 'EXPLAIN (SUMMARY ON)'
      : 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)';
    const { rows } = await c.query<{ 'QUERY PLAN': string }>(`${explain} ${sql}`, args);
    out.push(`**${label}**\n\n\`\`\`\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\``);
  }
  return out.join('\n\n');
}

const ms = (l: Latency) => `${l.p50.toFixed(1)} / ${l.p99.toFixed(1)}${l.errors ? ` (${l.errors} errors)` : ''}`;

async function main(): Promise<void> {
  const server = await benchServer();
  try {
    process.stdout.write(
      `growth benchmark: ${STEPS} drop(s) of ${ROWS.toLocaleString('en-US')} CSV rows into one database, on ${server.label}\n`,
    );
    const url = await freshDatabase(server.adminUrl, 'kbench_growth');
    const hoursPerDrop = Math.ceil(ROWS / ASSETS);
    const steps: Step[] = [];
    let notes = '';
    for (let i = 0; i < STEPS; i++) {
      // Each drop in a directory of its own (the CSV source reads every file in it), new instants each time.
      const dir = path.join(DIR, `step-${i + 1}`);
      const { file } = await generateCsv(dir, ROWS, ASSETS, {
        firstHour: i * hoursPerDrop,
        name: `growth-${i + 1}.csv`,
      });
      let run;
      try {
        run = await runSourceOnce('csv', {
          DATABASE_URL: url,
          CSV_SOURCE_DIR: path.dirname(file),
          ETL_BATCH_SIZE: BATCH,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const measure = async (): Promise<{ quotes: number; countersExact: boolean } & Sizes> => {
        const c = new Client({ connectionString: url });
        await c.connect();
        try {
          // What autovacuum does within a minute of a large drop: the planner's statistics are current.
          await c.query('ANALYZE');
          const {
            rows: [n],
          } = await c.query<{ counted: string; counters: string }>(
            `SELECT (SELECT count(*) FROM market_quotes)::text AS counted,
                    (SELECT coalesce(sum(rows), 0) FROM source_counters WHERE table_name = 'market_quotes')::text AS counters`,
          );
          if (i === STEPS - 1) notes = await plans(c);
          return {
            quotes: Number(n.counted),
            quoteBytes: await diskBytes(c, QUOTE_RELATIONS),
            rawBytes: await diskBytes(c, RAW_RELATIONS),
            countersExact: n.counted === n.counters,
          };
        } finally {
          await c.end();
        }
      };
      const open = await measure();
      // The hourly maintenance pass, run now: every month of this history closed long ago, so it
      // compacts each partition that got rows (raw payloads into chunks; indexes repacked once).
      const compactSeconds = await compactOnce({ DATABASE_URL: url });
      const sizes = await measure();
      const api = await measureApi(url, i);
      const step: Step = {
        ...sizes,
        seconds: run.seconds,
        open: { quoteBytes: open.quoteBytes, rawBytes: open.rawBytes },
        compactSeconds,
        ...api,
      };
      steps.push(step);
      process.stdout.write(
        `  drop ${i + 1}: ${run.totals.inserted.toLocaleString('en-US')} inserted in ${run.seconds.toFixed(1)} s; ` +
          `${step.quotes.toLocaleString('en-US')} quotes, ${((step.open.quoteBytes + step.open.rawBytes) / step.quotes).toFixed(0)} B/quote, ` +
          `${((step.quoteBytes + step.rawBytes) / step.quotes).toFixed(0)} after compact (${compactSeconds.toFixed(1)} s); ` +
          `/stats p99 ${step.stats.p99.toFixed(1)} ms, /data cold p99 ${step.dataCold.p99.toFixed(1)} ms\n`,
      );
    }
    const first = steps[0].seconds;
    const rows = steps.map((s, i) => [
      String(i + 1),
      s.quotes.toLocaleString('en-US'),
      s.seconds.toFixed(1),
      `${((s.seconds / first) * 100).toFixed(0)} %`,
      ((s.open.quoteBytes + s.open.rawBytes) / s.quotes).toFixed(0),
      s.compactSeconds.toFixed(1),
      ((s.quoteBytes + s.rawBytes) / s.quotes).toFixed(0),
      (s.quoteBytes / s.quotes).toFixed(0),
      (s.rawBytes / s.quotes).toFixed(0),
      ms(s.stats),
      ms(s.dataCold),
      ms(s.dataWarm),
      ms(s.asset),
      s.countersExact ? 'yes' : '**NO**',
    ]);
    const header = [
      'drop',
      'quotes after',
      'ingest s (this drop)',
      'vs drop 1 (target <= 110 %)',
      'disk B/quote after the drop',
      '`etl compact` s',
      'disk B/quote after compact (target <= 450)',
      'market_quotes + indexes B/quote',
      'raw B/quote',
      '/stats p50 / p99 ms (target p99 < 20)',
      '/data first page, cold count p50 / p99 ms (target p99 < 30)',
      '/data first page, warm p50 / p99 ms',
      '/assets/{id} p50 / p99 ms',
      'counters = count(*)',
    ];
    process.stdout.write(`| ${header.join(' | ')} |\n`);
    for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
    await appendReport('Growth', {
      method:
        `${STEPS} successive CSV drops of ${ROWS.toLocaleString('en-US')} rows (bench/generate-csv.ts: ${ASSETS.toLocaleString('en-US')} assets, hourly, new instants each drop) ` +
        `into ONE database through \`node dist/src/tools/cli/etl-cli.js run --source csv\` in its own process (ETL_BATCH_SIZE=${BATCH}); ingest time is the run ledger's duration (boot excluded). ` +
        'After each drop: ANALYZE (what autovacuum does shortly after), then disk bytes per quote: every partition of market_quotes with its indexes and TOAST, and of raw_records and raw_record_chunks ' +
        '(pg_partition_tree: the same sum whether the tables are partitioned or not), over count(*) of market_quotes; measured right after the drop and again after `etl compact` ' +
        "(the hourly partition maintenance, run now: the drops are 2024 history, so every month that got rows is closed and is compacted: raw payloads into compressed chunks, indexes rebuilt packed once per partition; a later drop's late rows into an already compacted month are compacted again, its indexes are not repacked). " +
        `Then a fresh service process (\`dist/src/main.js\`, the service's V8 flags, LOG_LEVEL=warn, throttling limit raised) and, per endpoint, a sequential burst of ${REQUESTS} requests (after ${Math.max(1, Math.round(REQUESTS / 10))} warm-up ones): ` +
        '`/stats`; `/data?limit=50&from=…` with a `from` no request used before (every request computes its total: a cold count, bounded at ' +
        `${EXACT_TOTAL_LIMIT.toLocaleString('en-US')} rows, then the planner's estimate, labelled total_is_estimate); \`/data?limit=50\` repeated (warm; its total comes from the per-source counters); \`/assets/{id}\` of the top-ranked asset. ` +
        "p50 / p99 of each request's own latency. Last column: the per-source counters equal count(*) after the drop.",
      environment: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${await serverVersion(server.adminUrl)} (${server.label}); everything on the same machine`,
      header,
      rows,
      notes: `Query plans at ${steps.at(-1)!.quotes.toLocaleString('en-US')} quotes:\n\n${notes}`,
    });
  } finally {
    rmSync(DIR, { recursive: true, force: true });
    await server.stop();
  }
}

runMain(main);
