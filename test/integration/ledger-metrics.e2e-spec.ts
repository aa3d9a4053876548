import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { LEDGER_SUMMARY_TTL_MS } from '../../src/platform/metrics/ledger/ledger-metrics.collector.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { startFixtures } from '../support/fixture-env.js';

const CLI = path.join(__dirname, '../../dist/src/tools/cli/etl-cli.js');

/** Value of one sample line of a Prometheus text scrape, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((w) => have.includes(w)) && have.filter(Boolean).length === want.length) return Number(m[3]);
  }
  return undefined;
}

/**
 * ETL metrics come from the run ledger: a run done by another process (the CLI, as a CronJob runs it)
 * shows in this process's /metrics, and counters that have not moved are exported at 0 per source.
 */
describe('ledger-served ETL metrics', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let env: Record<string, string | undefined>;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(40);
    upstream = fixtures.upstream;
    env = {
      ...fixtures.env,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      ETL_SCHEDULER_ENABLED: 'false',
      ETL_RUN_ON_START: 'false',
    };
    app = await createTestApp(env);
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  const scrape = async () => (await request(app.getHttpServer()).get('/metrics').expect(200)).text;

  const cli = (...args: string[]) =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH, ...testEnv(env) },
        stdio: 'ignore',
      });
      child.on('close', resolve);
    });

  it('should export every counter at 0 for every enabled source before any run', async () => {
    const text = await scrape();
    for (const source of ['coingecko', 'coinpaprika', 'csv', 'rss']) {
      for (const status of ['succeeded', 'failed', 'rate_limited']) {
        expect(sample(text, 'etl_runs_total', { source, status })).toBe(0);
      }
      for (const outcome of ['inserted', 'updated', 'unchanged', 'quarantined']) {
        expect(sample(text, 'etl_records_total', { source, outcome })).toBe(0);
      }
      expect(sample(text, 'etl_records_extracted_total', { source })).toBe(0);
      expect(sample(text, 'etl_run_duration_seconds_count', { source })).toBe(0);
    }
    expect(sample(text, 'etl_anomalies_total', { rule: 'price_divergence' })).toBe(0);
    expect(text).not.toMatch(/outcome="extracted"/);
  });

  it('should report a run done by the CLI process, extraction apart from loading outcomes', async () => {
    expect(await cli('run', '--source', 'coingecko')).toBe(0);
    await new Promise((r) => setTimeout(r, LEDGER_SUMMARY_TTL_MS + 200));

    const text = await scrape();

    expect(sample(text, 'etl_runs_total', { source: 'coingecko', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'etl_records_extracted_total', { source: 'coingecko' })).toBeGreaterThanOrEqual(40);
    expect(sample(text, 'etl_records_total', { source: 'coingecko', outcome: 'inserted' })).toBeGreaterThanOrEqual(40);
    expect(sample(text, 'etl_run_duration_seconds_count', { source: 'coingecko' })).toBe(1);
    expect(sample(text, 'etl_run_duration_seconds_bucket', { source: 'coingecko', le: '+Inf' })).toBe(1);
    expect(sample(text, 'etl_last_success_timestamp_seconds', { source: 'coingecko' })).toBeGreaterThan(
      Date.now() / 1000 - 120,
    );
    expect(sample(text, 'etl_source_consecutive_failures', { source: 'coingecko' })).toBe(0);
    expect(sample(text, 'etl_source_data_age_seconds', { source: 'coingecko' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'etl_runs_total', { source: 'csv', status: 'succeeded' })).toBe(0);
    // This process ran nothing: its per-process upstream counter has not seen the CLI's requests.
    expect(sample(text, 'etl_http_requests_total', { source: 'coingecko', status: '200' })).toBeUndefined();
  });

  it('should count consecutive failures of another process and reset them on success', async () => {
    upstream.faults.set('rss', [
      { type: 'status', status: 404 },
      { type: 'status', status: 404 },
    ]);
    expect(await cli('run', '--source', 'rss')).toBe(1);
    expect(await cli('run', '--source', 'rss')).toBe(1);
    await new Promise((r) => setTimeout(r, LEDGER_SUMMARY_TTL_MS + 200));

    const text = await scrape();

    expect(sample(text, 'etl_runs_total', { source: 'rss', status: 'failed' })).toBe(2);
    expect(sample(text, 'etl_source_consecutive_failures', { source: 'rss' })).toBe(2);
    expect(sample(text, 'etl_last_success_timestamp_seconds', { source: 'rss' })).toBeUndefined();
  });

  it('should show a later run of another source once the cached summary expires', async () => {
    expect(await cli('run', '--source', 'csv')).toBe(0);
    await new Promise((r) => setTimeout(r, LEDGER_SUMMARY_TTL_MS + 200));

    const text = await scrape();

    expect(sample(text, 'etl_runs_total', { source: 'csv', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'etl_records_extracted_total', { source: 'csv' })).toBeGreaterThan(0);
  });
});
