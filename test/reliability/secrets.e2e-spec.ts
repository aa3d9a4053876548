import type { FixtureUpstream } from '../../src/dev/fixture-upstream/fixture-upstream.server.js';
import { keysMatch } from '../../src/common/http/admin-key.guard.js';
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
    service = await startService({ ...f.env, ...SECRETS, DATABASE_URL: db.url, LOG_LEVEL: 'debug', ETL_RUN_ON_START: 'true' });
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
    await fetch(`${service.url}/etl/runs`, { method: 'POST', headers: { 'x-api-key': SECRETS.ADMIN_API_KEY, authorization: SECRETS.COINPAPRIKA_API_KEY } });
    await new Promise((r) => setTimeout(r, 3000));
    const runs = await (await fetch(`${service.url}/runs/1`)).text();
    await service.stop();

    const logs = service.logs.join('');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toMatch(/\[Redacted\]/);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ name, inLogs: logs.includes(value), inRunRecord: runs.includes(value) }).toEqual({ name, inLogs: false, inRunRecord: false });
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
