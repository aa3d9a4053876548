import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresServer } from '../src/platform/database/embedded-postgres.server.js';

/**
 * The PostgreSQL a benchmark uses: the server in DATABASE_URL, else an embedded one in a temp dir.
 * Each call to `freshDatabase` creates an empty database, so runs do not disturb each other.
 */
export async function benchServer(): Promise<{ adminUrl: string; label: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    return { adminUrl: process.env.DATABASE_URL, label: 'DATABASE_URL server', stop: () => Promise.resolve() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kasparro-bench-'));
  chmodSync(dir, 0o755);
  const server = new EmbeddedPostgresServer({
    dir: path.join(dir, 'pg'),
    port: 56000 + Math.floor(Math.random() * 1000),
  });
  const url = await server.start();
  return { adminUrl: url, label: 'embedded PostgreSQL', stop: () => server.stop() };
}

export async function freshDatabase(adminUrl: string, baseName: string): Promise<string> {
  const name = `${process.env.BENCH_DB_PREFIX ?? ''}${baseName}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function serverVersion(url: string): Promise<string> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query('SHOW server_version');
  await c.end();
  return (rows[0] as { server_version: string }).server_version;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
