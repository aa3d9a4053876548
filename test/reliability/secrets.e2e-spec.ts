import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { keysMatch } from '../../src/platform/http/admin-key.guard.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const SECRETS = {
  ADMIN_API_KEY: 'admin-SECRET-1a2b3c4d5e6f',
  COINGECKO_API_KEY: 'cg-SECRET-9z8y7x',
  COINPAPRIKA_API_KEY: 'cp-SECRET-6w5v4u',
};

/** Known keys go in; the logs (debug level, errors included) must never contain any of them. */
describe('secrets never reach the logs', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let service: ServiceProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    const f = await startFixtures(20);
    upstream = f.upstream;
    // An upstream error path too: the key is sent, rejected, and the error recorded.
    upstream.faults.set('coinpaprika', [{ type: 'status', status: 403 }]);
    service = await startService({
      ...f.env,
      ...SECRETS,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'debug',
      ETL_RUN_ON_START: 'true',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await upstream?.stop();
    await db?.drop();
  });

  it('should redact keys in request logs, upstream errors and run records', async () => {
    await fetch(`${service.url}/quarantine`, { headers: { 'x-api-key': SECRETS.ADMIN_API_KEY } });
    await fetch(`${service.url}/quarantine`, { headers: { 'x-api-key': 'wrong-wrong-wrong-wrong' } });
    await fetch(`${service.url}/quarantine?api_key=${SECRETS.ADMIN_API_KEY}`);
    await fetch(`${service.url}/data?key=${SECRETS.COINGECKO_API_KEY}`);
    await fetch(`${service.url}/etl/runs`, {
      method: 'POST',
      headers: { 'x-api-key': SECRETS.ADMIN_API_KEY, authorization: SECRETS.COINPAPRIKA_API_KEY },
    });
    await new Promise((r) => setTimeout(r, 3000));
    const runs = await (await fetch(`${service.url}/runs/1`)).text();
    await service.stop();

    const logs = service.logs.join('');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toMatch(/\[Redacted\]/);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ name, inLogs: logs.includes(value), inRunRecord: runs.includes(value) }).toEqual({
        name,
        inLogs: false,
        inRunRecord: false,
      });
    }
    expect(upstream.requests.some((r) => r.headers['x-cg-demo-api-key'] === SECRETS.COINGECKO_API_KEY)).toBe(true);
    expect(upstream.requests.some((r) => r.headers.authorization === SECRETS.COINPAPRIKA_API_KEY)).toBe(true);
  });

  it('should compare admin keys in constant time over their hashes (any length)', () => {
    expect(keysMatch('abc', 'abc')).toBe(true);
    expect(keysMatch('abc', 'abd')).toBe(false);
    expect(keysMatch('short', 'a-much-longer-key-value')).toBe(false);
  });
});

/**
 * An upstream that rejects the key it was sent and echoes it back, in plain text, JSON,
 * URL-encoded and Basic auth form, along with the other configured secrets (the test knows them):
 * none of them may reach a ledger row, an API response or a log line, in any of those forms.
 */
describe('secrets never leave through errors', () => {
  const KEYS = {
    COINGECKO_API_KEY: 'cg-ECHOED-9z8y7x/+q',
    COINPAPRIKA_API_KEY: 'cp-ECHOED+6w/5v=4u&x',
    ADMIN_API_KEY: 'admin-ECHOED-"quoted"-1a2b3c',
  };
  type Mode = 'plain' | 'json' | 'urlencoded' | 'basic';
  let mode: Mode = 'plain';
  let upstream: Server;
  let db: TestDatabase;
  let dbPassword: string;
  let service: ServiceProcess;
  const received: string[] = [];

  function echo(req: IncomingMessage): { status: number; type: string; body: string } {
    const sent = String(req.headers['x-cg-demo-api-key'] ?? req.headers.authorization ?? '');
    received.push(sent);
    const others = { admin: KEYS.ADMIN_API_KEY, db: dbPassword };
    switch (mode) {
      case 'plain':
        return {
          status: 401,
          type: 'text/plain',
          body: `invalid API key: ${sent} (admin ${others.admin}, db ${others.db})`,
        };
      case 'json':
        return {
          status: 400,
          type: 'application/json',
          body: JSON.stringify({ error: 'rejected', key: sent, ...others }),
        };
      case 'urlencoded': {
        const body = new URLSearchParams({ error: 'boom', api_key: sent, ...others }).toString();
        return { status: 500, type: 'application/x-www-form-urlencoded', body };
      }
      case 'basic': {
        const basic = Buffer.from(`user:${sent}`).toString('base64');
        return {
          status: 401,
          type: 'text/plain',
          body: `bad credentials Basic ${basic}; ${encodeURIComponent(others.db)}`,
        };
      }
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    // The server's tests connect without a password (trust): give the URL one; embedded mode has one.
    const url = new URL(db.url);
    if (!url.password) url.password = 'db-ECHOED-5t4r3e';
    dbPassword = decodeURIComponent(url.password);
    upstream = createServer((req, res) => {
      const { status, type, body } = echo(req);
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    service = await startService({
      ...KEYS,
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'debug',
      ETL_SOURCES: 'coingecko,coinpaprika',
      COINGECKO_BASE_URL: `${base}/cg`,
      COINPAPRIKA_BASE_URL: `${base}/cp`,
      COINGECKO_MAX_PAGES: '1',
      COINGECKO_RATE_LIMIT_PER_MIN: '6000',
      COINPAPRIKA_RATE_LIMIT_PER_MIN: '6000',
      HTTP_RETRY_BASE_MS: '5',
      HTTP_MAX_RETRIES: '2',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await new Promise((r) => upstream?.close(r));
    await db?.drop();
  });

  /** Every form a text can carry a secret in. */
  function forms(value: string): string[] {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const formEncoded = new URLSearchParams({ v: value }).toString().slice(2);
    return [value, encodeURIComponent(value), formEncoded, JSON.stringify(value).slice(1, -1), b64(`user:${value}`)];
  }

  async function runAndRead(m: Mode): Promise<string> {
    mode = m;
    const started = await fetch(`${service.url}/etl/runs`, {
      method: 'POST',
      headers: { 'x-api-key': KEYS.ADMIN_API_KEY },
    });
    expect(started.status).toBe(202);
    const { data } = (await started.json()) as { data: { run_id: string } };
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const body = await (await fetch(`${service.url}/runs/${data.run_id}`)).text();
      if (!body.includes('"status":"running"')) return body;
    }
    throw new Error(`run ${data.run_id} did not finish`);
  }

  async function everyRow(): Promise<string> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const tables = (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows as Array<{
        tablename: string;
      }>;
      const texts: string[] = [];
      for (const { tablename } of tables) {
        const rows = (await c.query(`SELECT t::text AS row FROM "${tablename}" t`)).rows as Array<{ row: string }>;
        texts.push(...rows.map((r) => r.row));
      }
      return texts.join('\n');
    } finally {
      await c.end();
    }
  }

  it('should mask every configured secret, in every form, in run records, responses, rows and logs', async () => {
    const runs = [];
    for (const m of ['plain', 'json', 'urlencoded', 'basic'] as const) runs.push(await runAndRead(m));
    const list = await (await fetch(`${service.url}/runs?limit=50`)).text();
    const apiErrors = await Promise.all([
      fetch(`${service.url}/runs/${encodeURIComponent(KEYS.ADMIN_API_KEY)}`).then((r) => r.text()),
      fetch(
        `${service.url}/data?${new URLSearchParams({ symbol: KEYS.COINGECKO_API_KEY, limit: KEYS.COINPAPRIKA_API_KEY }).toString()}`,
      ).then((r) => r.text()),
    ]);
    const rows = await everyRow();
    await service.stop();
    const logs = service.logs.join('');

    // The upstream did get the real keys, and its echo did reach the run records (masked).
    expect(received).toEqual(expect.arrayContaining([KEYS.COINGECKO_API_KEY, KEYS.COINPAPRIKA_API_KEY]));
    for (const run of runs) expect(run).toMatch(/upstream says: .*\[Redacted:(COINGECKO|COINPAPRIKA)_API_KEY\]/);
    expect(runs.join('')).toContain('[Redacted:DATABASE_URL]');
    expect(runs.join('')).toContain('[Redacted:ADMIN_API_KEY]');
    expect(logs).toMatch(/\[Redacted:COINGECKO_API_KEY\]/);
    const places = { runs: runs.join('\n'), list, apiErrors: apiErrors.join('\n'), rows, logs };
    const secrets = { ...KEYS, DATABASE_PASSWORD: dbPassword };
    const leaks = Object.entries(secrets).flatMap(([name, value]) =>
      forms(value).flatMap((form) =>
        Object.entries(places)
          .filter(([, text]) => text.includes(form))
          .map(([where]) => `${name} in ${where}`),
      ),
    );
    expect(leaks).toEqual([]);
  });
});
