import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
const HOST = 'kasparro.test';

/**
 * Swagger UI in a real browser (Debian's chromium, headless) reached under a non-localhost name over
 * plain HTTP, the way an operator opens it on a server: the operations must render. Chromium treats
 * localhost as secure, so only a real host name shows what an upgrade-insecure-requests policy does.
 */
describe('Swagger UI in a browser on a non-localhost host over plain HTTP', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let port: number;
  let profile: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ DATABASE_URL: db.url, ETL_SOURCES: '' });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    profile = mkdtempSync(path.join(tmpdir(), 'kasparro-chromium-'));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** The DOM after the page's scripts ran (virtual time lets them finish without a fixed sleep). */
  async function renderedDom(url: string): Promise<string> {
    const { stdout } = await run(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
        '--virtual-time-budget=15000',
        '--dump-dom',
        url,
      ],
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        throw new Error('chromium is not installed: apt-get install -y chromium (see .ci/run)');
      }
      throw err;
    });
    return stdout;
  }

  it('should render the operations of the API', async () => {
    const dom = await renderedDom(`http://${HOST}:${port}/docs`);

    // Each operation is an .opblock naming its path; a blank page (assets upgraded to https) has none.
    const operations = dom.match(/class="opblock opblock-(get|post|put|patch|delete)/g) ?? [];
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const route of ['/data', '/assets', '/etl/runs', '/health/ready']) {
      expect(dom).toContain(`data-path="${route}"`);
    }
    expect(dom).toContain('Kasparro ETL');
  }, 120_000);
});
