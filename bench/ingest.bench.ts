import { rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixtureUpstream } from '../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { benchServer, freshDatabase, median, serverVersion } from './bench-db.js';
import { generateCsv } from './generate-csv.js';
import { equivalentTableBaseline, primaryKeyOnlyBaseline, sameWritesBaseline } from './ingest-baselines.js';
import { appendReport } from './report.js';
import { runMain } from './run-main.js';
import { runSourceOnce, type ServiceRun } from './service-run.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const TICKERS = Number(process.env.BENCH_TICKERS ?? 10_000);
const BATCH = process.env.ETL_BATCH_SIZE ?? '5000';
const DIR = path.join(__dirname, '../../bench/.generated');

const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)} %`;
const rate = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;
const mb = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)} MB`);

async function main(): Promise<void> {
  const server = await benchServer();
  try {
    process.stdout.write(
      `ingestion benchmark: ${ROWS.toLocaleString('en-US')} CSV rows and ${TICKERS.toLocaleString('en-US')} CoinPaprika tickers, ${REPEAT} run(s) each, on ${server.label}\n`,
    );
    // A directory of its own: the CSV source reads every file in it.
    const { file, quarantinable, range } = await generateCsv(path.join(DIR, `${ROWS}-${process.pid}`), ROWS);
    const bare: number[] = [];
    const equivalent: number[] = [];
    const same: number[] = [];
    const first: ServiceRun[] = [];
    const again: ServiceRun[] = [];
    const withoutRollups: ServiceRun[] = [];
    for (let i = 0; i < REPEAT; i++) {
      equivalent.push(
        await equivalentTableBaseline(await freshDatabase(server.adminUrl, 'kbench_equivalent'), file, range),
      );
      bare.push(await primaryKeyOnlyBaseline(await freshDatabase(server.adminUrl, 'kbench_bare'), file, range));
      same.push(await sameWritesBaseline(await freshDatabase(server.adminUrl, 'kbench_same'), file));
      const env = {
        DATABASE_URL: await freshDatabase(server.adminUrl, 'kbench_project'),
        CSV_SOURCE_DIR: path.dirname(file),
        ETL_BATCH_SIZE: BATCH,
      };
      first.push(await runSourceOnce('csv', env));
      again.push(await runSourceOnce('csv', env));
      // The same ingestion without the rollup step: what keeping quote_rollups in each batch costs.
      withoutRollups.push(
        await runSourceOnce('csv', {
          ...env,
          DATABASE_URL: await freshDatabase(server.adminUrl, 'kbench_norollups'),
          ETL_ROLLUPS_ENABLED: 'false',
        }),
      );
      process.stdout.write(
        `  run ${i + 1}: baseline ${equivalent[i].toFixed(1)} s, primary-key-only ${bare[i].toFixed(1)} s, same-writes baseline ${same[i].toFixed(1)} s, project ${first[i].seconds.toFixed(1)} s ` +
          `(re-ingest ${again[i].seconds.toFixed(2)} s, peak RSS ${mb(first[i].peakRssMb)}; without rollups ${withoutRollups[i].seconds.toFixed(1)} s)\n`,
      );
    }

    // CoinPaprika: one /tickers payload of TICKERS coins from a loopback fixture, mapped and loaded.
    const upstream = await new FixtureUpstream({ coins: TICKERS }).start();
    const paprikaCold: ServiceRun[] = [];
    const paprikaWarm: ServiceRun[] = [];
    try {
      for (let i = 0; i < REPEAT; i++) {
        const env = {
          DATABASE_URL: await freshDatabase(server.adminUrl, 'kbench_paprika'),
          ...upstream.env(),
          COINPAPRIKA_RATE_LIMIT_PER_MIN: '6000',
        };
        paprikaCold.push(await runSourceOnce('coinpaprika', env));
        upstream.advance(60_000);
        paprikaWarm.push(await runSourceOnce('coinpaprika', env));
        process.stdout.write(
          `  coinpaprika ${i + 1}: ${TICKERS} tickers, first run ${paprikaCold[i].seconds.toFixed(2)} s (new assets), next ${paprikaWarm[i].seconds.toFixed(2)} s\n`,
        );
      }
    } finally {
      await upstream.stop();
    }

    const e = median(equivalent);
    const b = median(bare);
    const s = median(same);
    const p = median(first.map((r) => r.seconds));
    const a = median(again.map((r) => r.seconds));
    const nr = median(withoutRollups.map((r) => r.seconds));
    const peaks = first
      .concat(again)
      .map((r) => r.peakRssMb)
      .filter((v): v is number => v !== null);
    const rss = peaks.length > 0 ? Math.max(...peaks) : null;
    const cold = median(paprikaCold.map((r) => r.seconds));
    const warm = median(paprikaWarm.map((r) => r.seconds));
    const rows = [
      [
        "**baseline** (the issue's): COPY + INSERT…SELECT ON CONFLICT DO UPDATE into the equivalent partitioned table (market_quotes' columns, key, indexes and foreign key; monthly range partitions)",
        rate(ROWS, e),
        `${e.toFixed(1)} s`,
        '',
      ],
      [
        'context: the same into a primary-key-only partitioned table (natural key only: no secondary index, no foreign key)',
        rate(ROWS, b),
        `${b.toFixed(1)} s`,
        `the equivalent table's indexes take ${pct(e - b, e)} of the baseline's time`,
      ],
      [
        "context: the ETL's own writes in SQL (raw jsonb too, assets, mappings, market_quotes)",
        rate(ROWS, s),
        `${s.toFixed(1)} s`,
        `${pct(e, s)} of the baseline`,
      ],
      [
        'project: CSV source end to end (`npm run etl -- run --source csv`)',
        rate(ROWS, p),
        `${p.toFixed(1)} s`,
        `**${pct(e, p)} of the baseline** (target >= 80 %); ${pct(s, p)} of the ETL's writes in SQL; ${pct(b, p)} of the primary-key-only table`,
      ],
      [
        'project without the rollup step (ETL_ROLLUPS_ENABLED=false, same file, fresh database)',
        rate(ROWS, nr),
        `${nr.toFixed(1)} s`,
        `maintaining the 1h / 1d rollups in each batch: **${pct(Math.max(0, p - nr), p)} of the ingestion time** (target <= 10 %)`,
      ],
      [
        're-ingest of the unchanged file',
        '',
        `${a.toFixed(2)} s`,
        `${((a / p) * 100).toFixed(2)} % of the first ingestion (target < 5 %)`,
      ],
      ['peak RSS of the ETL process (VmHWM)', '', mb(rss), 'target < 300 MB'],
      [
        'rows inserted / quarantined',
        `${first[0].totals.inserted} / ${first[0].totals.quarantined}`,
        '',
        `${quarantinable} unfixable rows generated`,
      ],
      [
        `CoinPaprika: ${TICKERS.toLocaleString('en-US')} tickers, first run (every asset new)`,
        rate(TICKERS, cold),
        `${cold.toFixed(2)} s`,
        'target < 2 s',
      ],
      [
        `CoinPaprika: ${TICKERS.toLocaleString('en-US')} tickers, next run (all prices moved)`,
        rate(TICKERS, warm),
        `${warm.toFixed(2)} s`,
        'target < 2 s',
      ],
    ];
    const pg = await serverVersion(server.adminUrl);
    await appendReport('Ingestion', {
      method:
        `Generated CSV of ${ROWS.toLocaleString('en-US')} rows (3,000 assets x hourly timestamps, ~1 % messy values, ${quarantinable} unfixable rows; ${(statSync(file).size / 1e6).toFixed(0)} MB). ` +
        `Each of ${REPEAT} round(s) runs, on fresh databases: the baseline the issue defines (COPY into a temp staging table + one INSERT…SELECT…ON CONFLICT DO UPDATE with SQL-side cleaning into the equivalent partitioned table: market_quotes' columns, check constraints, indexes and foreign key as the migrations create them, read from the catalogue, in monthly range partitions on observed_at covering the file (bench/ingest-baselines.ts baselineQuotesDdl); the coin ids come from one INSERT…SELECT DISTINCT), ` +
        'the same COPY + upsert into a primary-key-only partitioned table (natural key as primary key only; context: what the indexes cost), ' +
        "the ETL's own writes done in SQL (context: raw rows as jsonb, assets and mappings, then market_quotes; one transaction), " +
        `then the project as operators run it: \`node dist/src/tools/cli/etl-cli.js run --source csv\` in its own process (ETL_BATCH_SIZE=${BATCH}), then again on the unchanged file, and once more on another fresh database with ETL_ROLLUPS_ENABLED=false (the difference is what keeping quote_rollups costs). ` +
        "Project times are the run ledger's durations (boot excluded); peak RSS is the process's VmHWM. " +
        `CoinPaprika: a loopback fixture serving ${TICKERS.toLocaleString('en-US')} tickers in one response; \`run --source coinpaprika\` on a fresh database, then again after every price moved. Medians reported.`,
      environment: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${pg} (${server.label}); everything on the same machine`,
      header: ['what', 'throughput', 'time (median)', 'ratio / target'],
      rows,
    });
    for (const r of rows) process.stdout.write(`${r.filter(Boolean).join(' | ')}\n`);
    if (!process.env.BENCH_KEEP_CSV) rmSync(path.dirname(file), { recursive: true, force: true });
  } finally {
    await server.stop();
  }
}

runMain(main);
