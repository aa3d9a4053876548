import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EmbeddedPostgresServer } from '../../src/platform/database/embedded-postgres.server.js';
import { startFixtures } from '../support/fixture-env.js';
import { freePort, startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN = 'outage-admin-key-0123456789';

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

/** PostgreSQL stops in the middle of a run and comes back: clean failure, 503 meanwhile, nothing lost after. */
describe('database outage during a run', () => {
  let upstream: FixtureUpstream;
  let fixtureEnv: Record<string, string>;
  let dir: string;
  let service: ServiceProcess;
  let pg: EmbeddedPostgresServer | undefined;

  beforeAll(async () => {
    ({ upstream, env: fixtureEnv } = await startFixtures(600));
    dir = mkdtempSync(path.join(tmpdir(), 'kasparro-outage-'));
    chmodSync(dir, 0o755);
  });

  afterAll(async () => {
    await service?.stop();
    await pg?.stop();
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should fail the run cleanly, answer 503 on readiness, then complete the next run with nothing lost', async () => {
    const port = await freePort();
    const dataDir = path.join(dir, 'pg');
    // Slow upstream pages keep the run going while the database disappears.
    upstream.faults.set('coingecko', [{ type: 'delay', ms: 1500, times: 3 }]);
    service = await startService({
      ...fixtureEnv,
      DATABASE_URL: '',
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(port),
      ADMIN_API_KEY: ADMIN,
      ETL_SOURCES: 'coingecko',
      ETL_RUN_ON_START: 'true',
      ETL_BATCH_SIZE: '50',
    });
    await new Promise((r) => setTimeout(r, 1000));

    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await until(async () => (await fetch(`${service.url}/health/ready`)).status === 503);
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    const body = (await (await fetch(`${service.url}/health/ready`)).json()) as {
      details: { database: { status: string } };
    };
    expect(body.details.database.status).toBe('down');
    // Data endpoints say "retry later" (503 + Retry-After), not 500, while the database is away.
    for (const route of ['/data?limit=1', '/assets?limit=1', '/stats']) {
      const res = await fetch(`${service.url}${route}`);
      expect([route, res.status]).toEqual([route, 503]);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: string }).error).toBe('Service Unavailable');
    }

    // Stay down until the run has had to write (its slow pages are done): it must fail, not stall.
    await until(() => Promise.resolve(upstream.requests.some((r) => r.route === 'coingecko')), 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    pg = new EmbeddedPostgresServer({ dir: dataDir, port });
    await pg.start();
    await until(async () => (await fetch(`${service.url}/health/ready`)).status === 200);
    upstream.faults.clear();
    let runId = '';
    await until(async () => {
      const res = await fetch(`${service.url}/etl/runs`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' },
        body: '{}',
      });
      if (res.status === 202) runId = ((await res.json()) as { data: { run_id: string } }).data.run_id;
      return res.status === 202;
    });
    await until(
      async () =>
        ((await (await fetch(`${service.url}/runs/${runId}`)).json()) as { data: { status: string } }).data.status !==
        'running',
      60_000,
    );

    const run = (
      (await (await fetch(`${service.url}/runs/${runId}`)).json()) as {
        data: { status: string; records: { extracted: number } };
      }
    ).data;
    expect(run.status).toBe('succeeded');
    const stats = (
      (await (await fetch(`${service.url}/stats`)).json()) as {
        data: { sources: Array<{ source: string; records_total: number }> };
      }
    ).data;
    expect(stats.sources.find((s) => s.source === 'coingecko')!.records_total).toBe(600);
    const runs = (
      (await (await fetch(`${service.url}/runs`)).json()) as { data: Array<{ id: string; status: string }> }
    ).data;
    expect(runs.some((r) => r.status === 'running')).toBe(false);
    const interrupted = runs.find((r) => r.id !== runId)!;
    expect(['failed', 'abandoned']).toContain(interrupted.status);
    process.stdout.write(`[reliability] outage: runs ${runs.map((r) => r.status).join(',')}, quotes 600/600, lost 0\n`);
  }, 180_000);
});
