import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import net from 'node:net';
import path from 'node:path';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { runSmoke } from '../../src/tools/smoke/smoke.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ADMIN_KEY = 'test-admin-key-0123456789';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The smoke test must fail loudly, with one clear line per broken check. (CI runs it green against the demo.) */
describe('smoke test against broken deployments', () => {
  it('should fail every check with a clear line when nothing listens at the URL', async () => {
    const lines: string[] = [];

    const result = await runSmoke({
      url: `http://127.0.0.1:${await closedPort()}`,
      timeoutMs: 2000,
      out: (l) => lines.push(l),
    });

    expect(result.passed).toBe(0);
    expect(result.failed).toBe(10);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(10);
    expect(lines).toContain(
      'SKIP 9. recovery: a triggered run completes and record counts do not double — no --admin-key given',
    );
    expect(lines).toContain(
      'SKIP 10. reset: after a reset of the csv streams a re-run re-reads everything and writes no new row — no --admin-key given',
    );
    expect(lines.at(-1)).toBe('0/10 checks passed (2 skipped)');
    expect(lines[1]).toMatch(/^FAIL 1\. health.*ECONNREFUSED/);
  });

  describe('an instance that never ingested anything', () => {
    let db: TestDatabase;
    let app: NestFastifyApplication;
    let url: string;

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await createTestApp({ DATABASE_URL: db.url, ETL_SOURCES: 'csv', CSV_SOURCE_DIR: '/nonexistent-dir' });
      await app.listen(0, '127.0.0.1');
      url = await app.getUrl();
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('should pass the health checks and fail ingestion and data with reasons', async () => {
      const lines: string[] = [];

      const result = await runSmoke({ url, out: (l) => lines.push(l) });

      expect(result.failed).toBeGreaterThan(0);
      expect(lines).toContainEqual(expect.stringMatching(/^PASS 1\. health/));
      expect(lines).toContainEqual(
        'FAIL 2. ingestion: records present from every enabled source — no records from: csv',
      );
      expect(lines).toContainEqual(
        'FAIL 3. /data: filtering (source, symbol, time range) and cursor pagination without overlap — /data returned no rows',
      );
      expect(lines).toContainEqual(expect.stringMatching(/^PASS 12\. container health/));
    });
  });

  describe('an instance with the csv drop folder and an admin key', () => {
    let db: TestDatabase;
    let app: NestFastifyApplication;
    let url: string;

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await createTestApp({
        DATABASE_URL: db.url,
        ETL_SOURCES: 'csv',
        CSV_SOURCE_DIR: path.join(__dirname, '../../data'),
        ADMIN_API_KEY: ADMIN_KEY,
      });
      await app.listen(0, '127.0.0.1');
      url = await app.getUrl();
      await app.get(EtlRunner).run({ trigger: 'manual' });
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('should pass the reset check: a re-run after the reset re-reads the files and writes no new row', async () => {
      const lines: string[] = [];

      await runSmoke({ url, adminKey: ADMIN_KEY, out: (l) => lines.push(l) });

      expect(lines).toContainEqual(
        expect.stringMatching(
          /^PASS 4\. \/assets\/\{id\}\/history: .* — [1-9]\d* hourly bucket\(s\) on \d{4}-\d{2}-\d{2}, \d+ gap\(s\)$/,
        ),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^PASS 5\. \/prices: .* — \d+ asset\(s\) for /));
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^PASS 10\. reset: .* — reset quotes; re-run \d+ re-read [1-9]\d* record\(s\); csv records (\d+) = \1$/,
        ),
      );
    });
  });
});
