import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startFixtureServer, type FixtureServer } from '@kasparro/etl-plugin-sdk/testing';
import { krakenFixtureRoutes } from '../../examples/plugins/kraken-source/src/fixture-routes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/plugins/kraken-source');
const ADMIN_KEY = 'plugin-package-admin-key-0123';

/**
 * Issue 22 §5: the example plugin as a team ships it. It is packed (`npm pack`), installed from the
 * tarball into a copy of the service (`npm install --no-save --offline`: its peer, the SDK, is the
 * service's workspace), enabled with ETL_PLUGINS + ETL_SOURCES, and run by the built service.
 *
 * The copy (a temporary `.plugin-host-*` directory with the built dist, the SDK's built package and
 * a hard-linked node_modules, the hidden lockfile unlinked) keeps the repository's node_modules
 * untouched, so no other test can see the installed package.
 */
describe('an external plugin package (examples/plugins/kraken-source)', () => {
  let dir: string;
  let service: ServiceProcess;
  let upstream: FixtureServer;
  let db: TestDatabase;

  beforeAll(async () => {
    // Next to the repository (not under a Jest root), so node_modules can be hard-linked: same file system.
    dir = mkdtempSync(path.join(ROOT, '.plugin-host-'));
    const packed = await exec('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: EXAMPLE });
    const tarball = packed.stdout.trim().split('\n').pop()!;
    expect(tarball).toBe('kraken-source-1.0.0.tgz');

    const host = path.join(dir, 'service');
    cpSync(path.join(ROOT, 'dist'), path.join(host, 'dist'), { recursive: true });
    cpSync(
      path.join(ROOT, 'packages/etl-plugin-sdk/package.json'),
      path.join(host, 'packages/etl-plugin-sdk/package.json'),
    );
    cpSync(path.join(ROOT, 'packages/etl-plugin-sdk/dist'), path.join(host, 'packages/etl-plugin-sdk/dist'), {
      recursive: true,
    });
    cpSync(path.join(ROOT, 'package-lock.json'), path.join(host, 'package-lock.json'));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: unknown };
    delete pkg.scripts; // an install into the copy must not rebuild anything
    writeFileSync(path.join(host, 'package.json'), JSON.stringify(pkg, null, 2));
    // Hard links: fast, and npm replaces files rather than writing into them; the hidden lockfile it does rewrite is unlinked first.
    await exec('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(host, 'node_modules')]);
    rmSync(path.join(host, 'node_modules/.package-lock.json'), { force: true });

    await exec('npm', ['install', '--no-save', '--offline', '--no-audit', '--no-fund', path.join('..', tarball)], {
      cwd: host,
    });
    expect(existsSync(path.join(host, 'node_modules/kraken-source/dist/index.js'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'node_modules/kraken-source'))).toBe(false);

    upstream = await startFixtureServer(krakenFixtureRoutes());
    db = await createTestDatabase();
    service = await startService(
      {
        DATABASE_URL: db.url,
        ADMIN_API_KEY: ADMIN_KEY,
        ETL_PLUGINS: 'kraken-source',
        ETL_SOURCES: 'csv,kraken',
        KRAKEN_BASE_URL: upstream.url,
        KRAKEN_RATE_LIMIT_PER_MIN: '6000',
        CSV_SOURCE_DIR: path.join(ROOT, 'data'),
      },
      { mainJs: path.join(host, 'dist/src/main.js'), cwd: host, timeoutMs: 60_000 },
    );
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    await upstream?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const get = async <T>(url: string): Promise<T> => {
    const res = await fetch(`${service.url}${url}`);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it('should list the package plugin with its origin, name and version, next to the built-ins', async () => {
    const { data } = await get<{
      data: Array<{ id: string; enabled: boolean; origin: string; package?: string; version?: string }>;
    }>('/etl/sources');
    expect(data.find((s) => s.id === 'kraken')).toMatchObject({
      enabled: true,
      origin: 'package',
      package: 'kraken-source',
      version: '1.0.0',
    });
    const csv = data.find((s) => s.id === 'csv')!;
    expect(csv).toMatchObject({ origin: 'built-in' });
    expect(csv).not.toHaveProperty('package');
  });

  it('should load its quotes, quarantine its unusable pairs, and merge its coins with the same coins of another source', async () => {
    const started = await fetch(`${service.url}/etl/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ sources: ['csv', 'kraken'] }),
    });
    expect(started.status).toBe(202);
    const { data: run } = (await started.json()) as { data: { run_id: number } };
    let status = 'running';
    for (const deadline = Date.now() + 90_000; status === 'running' && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await get<{ data: { status: string } }>(`/runs/${run.run_id}`)).data.status;
    }
    expect(status).toBe('succeeded');
    expect(upstream.requests.some((r) => r.path === '/0/public/Ticker')).toBe(true);

    const quotes = await get<{
      data: Array<{
        asset: { id: string; symbol: string };
        price_usd: string;
        source: string;
        volume_24h_usd: string | null;
      }>;
    }>('/data?source=kraken&limit=50');
    const bySymbol = new Map(quotes.data.map((q) => [q.asset.symbol, q]));
    expect([...bySymbol.keys()].sort()).toEqual(['BTC', 'ETH', 'SOL']);
    expect(bySymbol.get('BTC')!.price_usd).toMatch(/^94120\.1/);
    // 24h volume in USD = 24h base volume x 24h VWAP, exactly: 2345.67890123 x 93811.20001.
    expect(bySymbol.get('BTC')!.volume_24h_usd).toBe('220050952.5625245650123');

    // The EUR pair and the pair with an unreadable price are quarantined with their reasons.
    const quarantine = await fetch(`${service.url}/quarantine?source=kraken`, { headers: { 'x-api-key': ADMIN_KEY } });
    const reasons = JSON.stringify(await quarantine.json());
    expect(reasons).toMatch(/XXBTZEUR: not quoted in USD/);
    expect(reasons).toMatch(/XDGUSD: last trade price c\[0\]/);

    // Resolved by the catalog like any source: the same asset as the CSV fixture's BTC and ETH.
    for (const symbol of ['BTC', 'ETH']) {
      const assets = await get<{
        data: Array<{ id: string; source_ids: Array<{ source: string; match_method: string }> }>;
      }>(`/assets?symbol=${symbol}`);
      const withKraken = assets.data.filter((a) => a.source_ids.some((s) => s.source === 'kraken'));
      expect(withKraken.map((a) => a.id)).toEqual([bySymbol.get(symbol)!.asset.id]);
      expect(withKraken[0].source_ids.map((s) => [s.source, s.match_method]).sort()).toEqual([
        ['csv', 'symbol_name'],
        ['kraken', 'symbol_name'],
      ]);
    }
  });

  it('should have `npm run upstream:fake` serve the fixture routes the installed package exports (ETL_PLUGINS)', async () => {
    const child = spawn(process.execPath, [path.join(dir, 'service/dist/src/tools/dev/fixture-upstream/main.js')], {
      cwd: path.join(dir, 'service'),
      env: { ...process.env, ETL_PLUGINS: 'kraken-source', FIXTURE_PORT: '0', FIXTURE_COINS: '10' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const printed = await printedUntil(child, /Script faults/);
      const base = /KRAKEN_BASE_URL=(\S+)/.exec(printed)?.[1];
      expect(printed).toMatch(/plugin kraken-source: source kraken served under http:\/\/127\.0\.0\.1:\d+\/kraken\//);
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/kraken$/);
      const ticker = (await (await fetch(`${base!}/0/public/Ticker`)).json()) as { result: Record<string, unknown> };
      expect(Object.keys(ticker.result)).toEqual(expect.arrayContaining(['XXBTZUSD', 'XETHZUSD', 'SOLUSD']));
      expect((await fetch(`${base!}/0/public/Time`)).status).toBe(200);
      // The built-in upstreams are still there next to it.
      const paprika = /COINPAPRIKA_BASE_URL=(\S+)/.exec(printed)![1];
      expect(((await (await fetch(`${paprika}/tickers`)).json()) as unknown[]).length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('should leave no tarball or package behind in the repository', () => {
    expect(readdirSync(EXAMPLE).filter((f) => f.endsWith('.tgz'))).toEqual([]);
  });
});

/** The child's stdout up to the first line matching `done` (its stderr in the error when it exits first). */
function printedUntil(child: ReturnType<typeof spawn>, done: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(done)} in ${timeoutMs} ms: ${out}${err}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (done.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before ${String(done)}: ${out}${err}`));
    });
  });
}
