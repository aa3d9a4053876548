import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/common/http/database-unavailable.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/service-process.js';

/** What a failed call really throws: each case provokes the error against the real server. */
async function errorOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

function admin(): Client {
  return new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
}

describe('database unavailable: 503 with Retry-After, not 500', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  describe('recognising real errors', () => {
    const deadUrl = async () => `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;

    it.each<{ name: string; provoke: () => Promise<unknown>; expected: boolean }>([
      {
        name: 'connection refused (pg Client)',
        provoke: async () => {
          const c = new Client({ connectionString: await deadUrl() });
          return c.connect();
        },
        expected: true,
      },
      {
        name: 'connection refused (TypeORM pool)',
        provoke: async () => {
          const ds = new DataSource({ type: 'postgres', url: await deadUrl(), connectTimeoutMS: 2000 });
          return ds.initialize();
        },
        expected: true,
      },
      {
        name: '"terminating connection" (backend killed by an administrator)',
        provoke: async () => {
          const victim = new Client({ connectionString: db.url });
          await victim.connect();
          victim.on('error', () => undefined);
          const killer = admin();
          await killer.connect();
          const [{ pid }] = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
          await killer.query('SELECT pg_terminate_backend($1)', [pid]);
          await killer.end();
          try {
            return await victim.query('SELECT 1');
          } finally {
            await victim.end().catch(() => undefined);
          }
        },
        expected: true,
      },
      {
        name: 'statement timeout (TypeORM QueryFailedError wrapping 57014)',
        provoke: async () => {
          const ds = await new DataSource({
            type: 'postgres',
            url: db.url,
            extra: { statement_timeout: 50 },
          }).initialize();
          try {
            return await ds.query('SELECT pg_sleep(1)');
          } finally {
            await ds.destroy();
          }
        },
        expected: true,
      },
      {
        name: 'syntax error (a bug, not an outage)',
        provoke: async () => {
          const ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
          try {
            return await ds.query('SELEC 1');
          } finally {
            await ds.destroy();
          }
        },
        expected: false,
      },
      {
        name: 'unique violation (a conflict, not an outage)',
        provoke: async () => {
          const ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
          try {
            return await ds.query('CREATE TEMP TABLE t (x int PRIMARY KEY); INSERT INTO t VALUES (1), (1)');
          } finally {
            await ds.destroy();
          }
        },
        expected: false,
      },
      {
        name: 'a plain programming error',
        provoke: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'id')")),
        expected: false,
      },
    ])(
      '$name -> unavailable: $expected',
      async ({ provoke, expected }) => {
        const err = await errorOf(provoke);
        expect(isDatabaseUnavailable(err)).toBe(expected);
      },
      20_000,
    );
  });

  describe('through the API', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await createTestApp({ DATABASE_URL: db.url, ETL_SOURCES: '' });
    });

    afterAll(async () => {
      await app?.close();
    });

    async function setAccepting(accepting: boolean): Promise<void> {
      const c = admin();
      await c.connect();
      try {
        await c.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS ${accepting}`);
        if (!accepting) {
          await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
        }
      } finally {
        await c.end();
      }
    }

    it('should answer 503 with Retry-After on data endpoints while the database is away, then 200 again', async () => {
      const routes = ['/data?limit=1', '/assets?limit=1', '/news?limit=1', '/runs', '/stats'];
      for (const route of routes) await request(app.getHttpServer()).get(route).expect(200);

      await setAccepting(false);
      try {
        for (const route of routes) {
          const res = await request(app.getHttpServer()).get(route);
          expect([route, res.status]).toEqual([route, 503]);
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
          expect(res.body).toEqual({
            statusCode: 503,
            error: 'Service Unavailable',
            message: expect.stringContaining('database is unavailable'),
            request_id: res.headers['x-request-id'],
          });
        }
        // Readiness keeps its own report (the health check's body), saying what is down.
        const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
        expect(ready.body.details.database.status).toBe('down');
      } finally {
        await setAccepting(true);
      }
      for (const route of routes) await request(app.getHttpServer()).get(route).expect(200);
    }, 60_000);
  });
});
