import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';

const ADMIN_KEY = 'concurrent-trigger-admin-key';
const ROUNDS = 15;

/** Issue 17 §4: two simultaneous POST /etl/runs for the same sources: exactly one 202, the other 409. */
describe('POST /etl/runs raced', () => {
  let upstream: FixtureUpstream;
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const fixtures = await startFixtures(60);
    upstream = fixtures.upstream;
    db = await createTestDatabase();
    app = await createTestApp({
      ...fixtures.env,
      DATABASE_URL: db.url,
      ADMIN_API_KEY: ADMIN_KEY,
      ETL_SOURCES: 'csv,coinpaprika',
    });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  async function untilIdle(sources: string[]): Promise<void> {
    const runner = app.get(EtlRunner);
    const deadline = Date.now() + 30_000;
    while (sources.some((s) => runner.isRunning(s))) {
      if (Date.now() > deadline) throw new Error(`still running after 30 s: ${sources.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function runCount(): Promise<number> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      return ((await c.query(`SELECT count(*)::int AS n FROM etl_runs`)).rows as Array<{ n: number }>)[0].n;
    } finally {
      await c.end();
    }
  }

  const trigger = (sources: string[]) =>
    request(app.getHttpServer()).post('/etl/runs').set('x-api-key', ADMIN_KEY).send({ sources });

  it.each([
    [['csv'], ['csv']],
    [['csv', 'coinpaprika'], ['coinpaprika']],
  ])('should accept exactly one of two simultaneous runs of %j and %j, every time', async (first, second) => {
    const runsBefore = await runCount();
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const responses = await Promise.all([trigger(first), trigger(second)]);
      const statuses = responses.map((r) => r.status).sort();
      outcomes.push(statuses.join('/'));
      const conflict = responses.find((r) => r.status === 409);
      if (conflict) expect((conflict.body as { running?: string[] }).running?.length).toBeGreaterThan(0);
      await untilIdle([...first, ...second]);
    }

    expect(outcomes).toEqual(Array.from({ length: ROUNDS }, () => '202/409'));
    // One run per round reached the ledger; the refused ones left nothing behind.
    expect(await runCount()).toBe(runsBefore + ROUNDS);
  });
});
