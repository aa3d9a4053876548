import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { testEnv } from '../support/env.js';
import { startFixtures } from '../support/fixture-env.js';
import { freePort, startService, type ServiceProcess } from '../support/service-process.js';

const CLI = path.join(__dirname, '../../dist/src/tools/cli/etl-cli.js');

/**
 * The CLI next to a running service on the embedded database (DATABASE_URL unset, same directory):
 * it uses the live server instead of stopping it as an orphan, and the service stays ready.
 */
describe('etl CLI next to a running service on embedded PostgreSQL', () => {
  let dir: string;
  let upstream: FixtureUpstream;
  let env: Record<string, string | undefined>;
  let service: ServiceProcess;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cli-next-'));
    chmodSync(dir, 0o755); // the embedded server runs as the OS user postgres when we are root
    const fixtures = await startFixtures(20);
    upstream = fixtures.upstream;
    env = {
      ...fixtures.env,
      DATABASE_URL: undefined,
      EMBEDDED_PG_DIR: path.join(dir, 'pg'),
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    };
    service = await startService(env, { timeoutMs: 120_000 });
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH, ...testEnv(env) } as NodeJS.ProcessEnv,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  const ready = async () => (await fetch(`${service.url}/health/ready`)).status;

  it.each([
    ['status', '--json'],
    ['run', '--source', 'coingecko', '--json'],
    ['status', '--json'],
  ])(
    'should leave the service ready after `etl %s %s` and print pure JSON on stdout',
    async (...args) => {
      const res = await cli(...args);

      expect(res.status).toBe(0);
      expect(() => JSON.parse(res.stdout)).not.toThrow();
      expect(res.stdout.trim().split('\n')).toHaveLength(1);
      // Logs (info level here) went to stderr, and the CLI used the live server rather than stopping it.
      expect(res.stderr).toMatch(/using the running embedded PostgreSQL/);
      expect(res.stderr).not.toMatch(/orphan/);
      expect(await ready()).toBe(200);
      expect(service.child.exitCode).toBeNull();
    },
    120_000,
  );

  it('should let the service serve what the CLI loaded, and keep answering', async () => {
    const status = JSON.parse((await cli('status', '--json')).stdout) as {
      sources: Array<{ source: string; status: string }>;
    };
    expect(status.sources.map((s) => [s.source, s.status])).toEqual([['coingecko', 'succeeded']]);

    const runs = await fetch(`${service.url}/runs`);
    expect(runs.status).toBe(200);
    expect(await ready()).toBe(200);
    expect(service.logs.join('')).not.toMatch(/terminating connection|the database system is shutting down/);
  }, 60_000);

  it('should still recover the server of a service that was killed (its owner is really gone)', async () => {
    await service.stop('SIGKILL');

    const res = await cli('status', '--json');

    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(/stopping an orphaned embedded PostgreSQL/);
    expect(JSON.parse(res.stdout).sources.map((s: { source: string }) => s.source)).toEqual(['coingecko']);
  }, 120_000);
});
