import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { EmbeddedPostgresServer } from '../../src/platform/database/embedded-postgres.server.js';
import { createTestApp } from '../support/app.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

/**
 * The app is booted WITHOUT DATABASE_URL, so it starts its own embedded PostgreSQL: this proves the
 * embedded default and lets the test stop the database under the running service.
 */
describe('health probes (embedded database)', () => {
  let app: NestFastifyApplication;
  let workDir: string;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'kasparro-health-'));
    chmodSync(workDir, 0o755);
    dataDir = path.join(workDir, 'pg');
    port = await freePort();
    app = await createTestApp({ DATABASE_URL: '', EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(port) });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('should answer live with 200', async () => {
    const res = await request(app.getHttpServer()).get('/health/live').expect(200);

    expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('should answer ready with 200 once migrated', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);

    expect(res.body.details).toEqual({ database: { status: 'up' }, migrations: { status: 'up' } });
  });

  it('should report the database and each source in the overall health', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);

    expect(res.body.details.database).toEqual({ status: 'up' });
    expect(Object.keys(res.body.details.etl.sources)).toEqual(['csv', 'coinpaprika', 'coingecko', 'rss']);
  });

  it('should keep an incoming X-Request-Id', async () => {
    const res = await request(app.getHttpServer()).get('/health/live').set('X-Request-Id', 'abc-123').expect(200);

    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('should answer ready with 503 while the database is down, and 200 again once it is back', async () => {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await waitFor(async () => (await request(app.getHttpServer()).get('/health/ready')).status === 503);

    const down = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(down.body.status).toBe('error');
    expect(down.body.details.database.status).toBe('down');
    await request(app.getHttpServer()).get('/health/live').expect(200);

    const restarted = new EmbeddedPostgresServer({ dir: dataDir, port });
    await restarted.start();
    try {
      await waitFor(async () => (await request(app.getHttpServer()).get('/health/ready')).status === 200);
    } finally {
      await restarted.stop();
    }
  });
});
