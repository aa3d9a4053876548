import { spawn } from 'node:child_process';
import net from 'node:net';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { freePort, MAIN_JS } from '../support/service-process.js';

const PASSWORD = 'boot-test-password-5f1e9c';

interface Boot {
  code: number | null;
  lines: string[];
  raw: string;
}

/** The built service (node dist/src/main.js) with `env`, until it exits or `untilReady` answers. */
function boot(env: Record<string, string>, opts: { untilReadyOn?: number; timeoutMs?: number } = {}): Promise<Boot> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN_JS], {
      env: { PATH: process.env.PATH, ...testEnv({ LOG_LEVEL: 'info', ...env }) } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let raw = '';
    child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
    child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not finish in time: ${raw.slice(-2000)}`));
    }, opts.timeoutMs ?? 60_000);
    let poll: NodeJS.Timeout | undefined;
    if (opts.untilReadyOn) {
      poll = setInterval(() => {
        fetch(`http://127.0.0.1:${opts.untilReadyOn}/health/ready`).then(
          (r) => r.status === 200 && child.kill('SIGTERM'),
          () => undefined,
        );
      }, 200);
    }
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, raw, lines: raw.split('\n').filter((l) => l.trim()) });
    });
  });
}

const parsed = (b: Boot) => b.lines.map((l) => JSON.parse(l) as Record<string, unknown>);

/** An unreachable DATABASE_URL at boot: one JSON line per attempt naming the host, backoff, no ANSI, no password. */
describe('boot with an unreachable DATABASE_URL', () => {
  let db: TestDatabase;
  let SERVER: URL;

  beforeAll(async () => {
    db = await createTestDatabase();
    SERVER = new URL(db.url);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('should retry with backoff in JSON lines naming the host, then give up with exit 1', async () => {
    const port = await freePort(); // nothing listens there
    const res = await boot({
      DATABASE_URL: `postgres://kasparro:${PASSWORD}@127.0.0.1:${port}/kasparro`,
      DATABASE_CONNECT_TIMEOUT_SECONDS: '3',
    });

    expect(res.code).toBe(1);
    expect(res.raw).not.toContain('\u001b[');
    expect(res.raw).not.toContain(PASSWORD);
    const lines = parsed(res);
    const retries = lines.filter((l) => l.msg === 'database unreachable: retrying');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    for (const r of retries) {
      expect(r).toMatchObject({
        database: `127.0.0.1:${port}/kasparro`,
        level: 40,
        error: expect.stringMatching(/ECONNREFUSED/),
      });
    }
    const waits = retries.map((r) => r.retryInMs as number);
    expect(waits[1]).toBeGreaterThan(waits[0]);
    expect(lines.filter((l) => String(l.msg).startsWith('database unreachable: giving up'))).toHaveLength(1);
    expect(res.raw).not.toMatch(/Unable to connect to the database/);
  }, 60_000);

  it('should connect once the database becomes reachable, and serve', async () => {
    const dbPort = await freePort();
    const httpPort = await freePort();
    // The "database" is a TCP forwarder to the real server that drops every connection until 500 ms
    // after the first attempt (whenever boot gets there, however loaded the machine), then forwards.
    let firstAttemptAt: number | undefined;
    const proxy = net
      .createServer((c) => {
        firstAttemptAt ??= Date.now();
        if (Date.now() - firstAttemptAt < 500) {
          c.destroy();
          return;
        }
        const s = net.connect(Number(SERVER.port || 5432), SERVER.hostname);
        c.pipe(s).pipe(c);
        c.on('error', () => s.destroy());
        s.on('error', () => c.destroy());
      })
      .listen(dbPort, '127.0.0.1');
    try {
      const url = new URL(SERVER.href);
      url.port = String(dbPort);
      const res = await boot(
        { DATABASE_URL: url.href, PORT: String(httpPort), DATABASE_CONNECT_TIMEOUT_SECONDS: '30' },
        { untilReadyOn: httpPort },
      );

      const lines = parsed(res);
      expect(lines.filter((l) => l.msg === 'database unreachable: retrying').length).toBeGreaterThanOrEqual(1);
      expect(lines.find((l) => l.msg === 'database reachable')).toMatchObject({
        database: `${SERVER.hostname}:${dbPort}${SERVER.pathname}`,
      });
      expect(res.raw).not.toContain('\u001b[');
    } finally {
      proxy.close();
    }
  }, 60_000);

  it.each([
    ['ETL_CRON', '61 * * * *'],
    ['ETL_CRON', '0 25 * * *'],
    ['DATABASE_CONNECT_TIMEOUT_SECONDS', '-1'],
  ])(
    'should refuse %s=%p at boot in one JSON line naming the variable',
    async (name, value) => {
      const res = await boot({ DATABASE_URL: SERVER.href, [name]: value });

      expect(res.code).toBe(1);
      expect(res.raw).not.toContain('\u001b[');
      const failure = parsed(res).find((l) => l.msg === 'service failed to start');
      expect(String(failure?.error)).toContain(name);
    },
    60_000,
  );
});
