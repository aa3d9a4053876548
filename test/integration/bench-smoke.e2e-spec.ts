import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';

const DIST = path.join(__dirname, '../../dist/bench');
const PREFIX = `smoke${process.pid}_`;

function runBench(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(DIST, script)], {
      env: {
        ...process.env,
        DATABASE_URL: process.env.TEST_DATABASE_ADMIN_URL!,
        BENCH_REPORT: 'off',
        BENCH_DB_PREFIX: PREFIX,
        BENCH_REPEAT: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The benchmarks themselves are not part of npm test; this tiny run keeps them from rotting. */
describe('benchmarks (smoke: tiny sizes, no report written)', () => {
  afterAll(async () => {
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${PREFIX}%`,
    ]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
  });

  it('should run the ingestion benchmark end to end and print every ratio', async () => {
    const { code, output } = await runBench('ingest.bench.js', { BENCH_ROWS: '3000', BENCH_TICKERS: '200' });
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(output).toMatch(
      /project: CSV source end to end .*\d+ % of the baseline\*\* \(target >= 80 %\).*\d+ % of the primary-key-only table/,
    );
    const [, inserted, quarantined, unfixable] =
      /rows inserted \/ quarantined \| (\d+) \/ (\d+) \| (\d+) unfixable/.exec(output) ?? [];
    expect(Number(inserted) + Number(quarantined)).toBe(3000);
    expect(Number(quarantined)).toBe(Number(unfixable));
    expect(output).toMatch(/peak RSS of the ETL process \(VmHWM\) \| \d+ MB/);
    expect(output).toMatch(
      /project without the rollup step .*maintaining the 1h \/ 1d rollups in each batch: \*\*\d+ % of the ingestion time\*\*/,
    );
    expect(output).toMatch(/CoinPaprika: 200 tickers, first run/);
  }, 180_000);

  it('should run the growth benchmark: every drop reported, counters exact, bytes per quote measured', async () => {
    const { code, output } = await runBench('growth.bench.js', {
      BENCH_GROWTH_STEPS: '2',
      BENCH_GROWTH_ROWS: '3000',
      BENCH_GROWTH_REQUESTS: '5',
      BENCH_GROWTH_PORT: String(18300 + (process.pid % 500)),
    });
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    const drops = output
      .split('\n')
      .filter((l) => /^\| \d+ \| /.test(l))
      .map((l) => l.split(' | '));
    expect(drops.map((d) => d[1])).toEqual(['2,999', '5,998']);
    for (const d of drops) {
      // Bytes per quote (table + indexes + raw) after the drop and fewer after `etl compact` (every
      // month of the bench's 2024 history is closed), four p50 / p99 pairs with no errors; counters exact.
      expect(Number(d[4])).toBeGreaterThan(0);
      expect(Number(d[6])).toBeGreaterThan(0);
      expect(Number(d[6])).toBeLessThan(Number(d[4]));
      expect(d.slice(9, 13).every((cell) => /^[\d.]+ \/ [\d.]+$/.test(cell))).toBe(true);
      expect(d[13]).toBe('yes |');
    }
  }, 240_000);

  it('should run the news-linking benchmark: old and new agree, every figure printed', async () => {
    const { code, output } = await runBench('news-linking.bench.js', {
      BENCH_ASSETS: '300,600',
      BENCH_OLD_ITEMS: '5',
      BENCH_ITEMS: '50',
      BENCH_RELINK_ITEMS: '50',
    });
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(output.split('\n').filter((l) => /^[\d,]+ \| [\d.]+ \| [\d.]+ \| \*\*\d+x\*\* \|/.test(l))).toHaveLength(2);
    expect(output).toMatch(/warm \*\*[\d.]+ ms per item\*\*.*Longest event-loop stall during a warm relink: [\d.]+ ms/);
  }, 180_000);

  it('should run the API benchmark against the service and both baselines with no errors', async () => {
    const { code, output } = await runBench('api.bench.js', {
      BENCH_QUOTES: '3000',
      BENCH_DURATION: '1',
      BENCH_CONNECTIONS: '4',
      BENCH_REPEAT: '1',
    });
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    const rows = output.split('\n').filter((l) => l.startsWith('GET '));
    // /data x4, /assets/{id}, /prices, /assets/{id}/history at 1d over a year and 1h over a week.
    expect(rows).toHaveLength(8);
    expect(rows.some((r) => r.startsWith('GET /prices (100 symbols)'))).toBe(true);
    expect(rows.filter((r) => r.startsWith('GET /assets/{id}/history'))).toHaveLength(2);
    // Last column: errors (non-2xx or socket errors) during the run.
    for (const row of rows) {
      // Both baselines ran: a ratio to bare Fastify and one to node:http.
      expect(row).toMatch(/\| \*\*\d+ %\*\* \| \d+ \| [\d.]+ \| \d+ % \|/);
      expect(row.split(' | ').at(-1)).toBe('0');
    }
    // Compression on vs off: a small answer goes out as it is, a large one gzipped and smaller.
    const small = output.split('\n').find((l) => l.startsWith('small: '));
    const large = output.split('\n').find((l) => l.startsWith('large: '));
    expect(small).toMatch(/\| [\d,]+ → [\d,]+ \(identity\) \|/);
    const [, plainBytes, zippedBytes] = /\| ([\d,]+) → ([\d,]+) \(gzip\) \|/.exec(large ?? '') ?? [];
    expect(Number(zippedBytes?.replace(/,/g, ''))).toBeLessThan(Number(plainBytes?.replace(/,/g, '')) / 3);
  }, 180_000);
});
