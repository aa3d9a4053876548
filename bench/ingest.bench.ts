import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createReadStream, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AppModule } from '../src/app.module.js';
import { EtlRunner } from '../src/etl/etl-runner.service.js';
import { benchServer, freshDatabase, median, serverVersion } from './bench-db.js';
import { generateCsv } from './generate-csv.js';
import { appendReport } from './report.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const DIR = path.join(__dirname, '../../bench/.generated');

/** Baseline: PostgreSQL's own COPY into a staging table, then one set-based upsert. */
async function baseline(url: string, file: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE TABLE IF NOT EXISTS baseline_quotes (symbol text NOT NULL, observed_at timestamptz NOT NULL, name text, price_usd numeric NOT NULL,
    market_cap_usd numeric, volume_24h_usd numeric, change_24h_pct numeric, rank int, PRIMARY KEY (symbol, observed_at))`);
  await c.query('TRUNCATE baseline_quotes');
  const started = performance.now();
  await c.query('BEGIN');
  await c.query(`CREATE TEMP TABLE staging (symbol text, name text, price_usd text, market_cap_usd text, volume_24h_usd text, percent_change_24h text, rank text, last_updated text) ON COMMIT DROP`);
  await pipeline(createReadStream(file), c.query(copyFrom(`COPY staging FROM STDIN WITH (FORMAT csv, HEADER true)`)));
  await c.query(`INSERT INTO baseline_quotes
      SELECT symbol, last_updated::timestamptz, name, replace(replace(price_usd, '$', ''), ',', '')::numeric, market_cap_usd::numeric,
             nullif(volume_24h_usd, 'N/A')::numeric, nullif(percent_change_24h, '')::numeric, rank::int
        FROM staging WHERE replace(replace(price_usd, '$', ''), ',', '') ~ '^[0-9.]+$'
      ON CONFLICT (symbol, observed_at) DO UPDATE SET price_usd = EXCLUDED.price_usd, market_cap_usd = EXCLUDED.market_cap_usd,
             volume_24h_usd = EXCLUDED.volume_24h_usd, change_24h_pct = EXCLUDED.change_24h_pct, rank = EXCLUDED.rank, name = EXCLUDED.name`);
  await c.query('COMMIT');
  const seconds = (performance.now() - started) / 1000;
  await c.end();
  return seconds;
}

/** The project: the real CSV source through the real ETL (parse, clean, drift, identity, raw + canonical upserts, checkpoints). */
async function project(url: string, dir: string): Promise<{ first: number; again: number; peakRssMb: number; inserted: number; quarantined: number }> {
  const env = { ...process.env, DATABASE_URL: url, ETL_SOURCES: 'csv', CSV_SOURCE_DIR: dir, ETL_SCHEDULER_ENABLED: 'false', ETL_RUN_ON_START: 'false', LOG_LEVEL: 'warn', ETL_BATCH_SIZE: process.env.ETL_BATCH_SIZE ?? '5000' };
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(env), { logger: ['error'] });
  try {
    const runner = app.get(EtlRunner);
    let t = performance.now();
    const first = await runner.run({ trigger: 'cli' });
    const firstSeconds = (performance.now() - t) / 1000;
    if (first.status !== 'succeeded') throw new Error(`ingestion ${first.status}: ${JSON.stringify(first.sources)}`);
    t = performance.now();
    await runner.run({ trigger: 'cli' });
    const again = (performance.now() - t) / 1000;
    return { first: firstSeconds, again, peakRssMb: peak / 1024 / 1024, inserted: first.sources.csv.totals.inserted, quarantined: first.sources.csv.totals.quarantined };
  } finally {
    clearInterval(sampler);
    await app.close();
  }
}

async function main(): Promise<void> {
  const server = await benchServer();
  try {
    process.stdout.write(`ingestion benchmark: ${ROWS.toLocaleString('en-US')} rows, ${REPEAT} run(s) each, on ${server.label}\n`);
    const { file, quarantinable } = await generateCsv(DIR, ROWS);
    const dir = path.dirname(file);
    const baselineTimes: number[] = [];
    const runs: Array<Awaited<ReturnType<typeof project>>> = [];
    for (let i = 0; i < REPEAT; i++) {
      baselineTimes.push(await baseline(await freshDatabase(server.adminUrl, 'kbench_baseline'), file));
      runs.push(await project(await freshDatabase(server.adminUrl, 'kbench_project'), dir));
      process.stdout.write(`  run ${i + 1}: baseline ${baselineTimes[i].toFixed(1)} s, project ${runs[i].first.toFixed(1)} s (re-ingest ${runs[i].again.toFixed(2)} s, peak RSS ${runs[i].peakRssMb.toFixed(0)} MB)\n`);
    }
    const b = median(baselineTimes);
    const p = median(runs.map((r) => r.first));
    const again = median(runs.map((r) => r.again));
    const rss = Math.max(...runs.map((r) => r.peakRssMb));
    const rows = [
      ['baseline COPY + INSERT…SELECT ON CONFLICT', `${(ROWS / b).toFixed(0)} rows/s`, `${b.toFixed(1)} s`, ''],
      ['project: CSV source end to end', `${(ROWS / p).toFixed(0)} rows/s`, `${p.toFixed(1)} s`, `${((b / p) * 100).toFixed(0)} % of baseline (target >= 60 %)`],
      ['re-ingest of the unchanged file', '', `${again.toFixed(2)} s`, `${((again / p) * 100).toFixed(2)} % of first ingestion (target < 5 %)`],
      ['peak RSS of the service process', '', `${rss.toFixed(0)} MB`, 'target < 300 MB'],
      ['rows inserted / quarantined', `${runs[0].inserted} / ${runs[0].quarantined}`, '', `${quarantinable} unfixable rows generated`],
    ];
    const pg = await serverVersion(server.adminUrl);
    await appendReport('Ingestion', {
      method: `Generated CSV of ${ROWS.toLocaleString('en-US')} rows (3,000 assets x hourly timestamps, ~1 % messy values, ${quarantinable} unfixable rows; ${(statSync(file).size / 1e6).toFixed(0)} MB). Baseline and project each run ${REPEAT} time(s) on a fresh database; medians reported. Baseline: COPY into a temp staging table + one INSERT…SELECT…ON CONFLICT DO UPDATE with SQL-side cleaning of the messy values. Project: the CSV source plugin through EtlRunner (ETL_BATCH_SIZE=${process.env.ETL_BATCH_SIZE ?? '5000'}), then a second run on the unchanged file.`,
      environment: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${pg} (${server.label})`,
      header: ['what', 'throughput', 'time (median)', 'ratio'],
      rows,
    });
    for (const r of rows) process.stdout.write(`${r.filter(Boolean).join(' | ')}\n`);
    if (!process.env.BENCH_KEEP_CSV) rmSync(file, { force: true });
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
