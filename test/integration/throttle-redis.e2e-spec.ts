import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort, startService, type ServiceProcess } from '../support/service-process.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = 6;

/** Throttle counters in the real Redis on 127.0.0.1:6379, shared by two service processes. */
describe('throttling across replicas (REDIS_URL)', () => {
  let db: TestDatabase;
  let redis: Redis;
  // A prefix of this run's own, so reruns and other deployments on this Redis never share counters.
  const prefix = `kasparro-test:${randomUUID()}`;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    for (const s of services) await s.stop();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db?.drop();
  });

  it('should let two service processes share one limit per client', async () => {
    const env = {
      DATABASE_URL: db.url,
      ETL_SOURCES: '',
      REDIS_URL,
      THROTTLE_REDIS_PREFIX: prefix,
      API_THROTTLE_LIMIT: String(LIMIT),
      API_THROTTLE_TTL_SECONDS: '60',
      LOG_LEVEL: 'warn',
    };
    services.push(await startService(env), await startService(env));
    const [a, b] = services;

    const answers: Array<{ status: number; remaining: string | null }> = [];
    for (let i = 0; i < LIMIT + 4; i++) {
      const res = await fetch(`${(i % 2 === 0 ? a : b).url}/assets?limit=1`);
      answers.push({ status: res.status, remaining: res.headers.get('x-ratelimit-remaining') });
      await res.arrayBuffer();
    }

    // Alternating replicas, one count: each replica alone would have allowed LIMIT.
    expect(answers.map((x) => x.status)).toEqual([...Array<number>(LIMIT).fill(200), 429, 429, 429, 429]);
    expect(answers.slice(0, LIMIT).map((x) => x.remaining)).toEqual(['5', '4', '3', '2', '1', '0']);
    expect((await redis.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
    const blocked = await fetch(`${b.url}/assets?limit=1`);
    const body = (await blocked.json()) as { statusCode: number; error: string };
    expect([blocked.status, body.statusCode, body.error]).toEqual([429, 429, 'Too Many Requests']);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other routes keep their own budget, as in one process.
    expect((await fetch(`${a.url}/news?limit=1`)).status).toBe(200);
  }, 90_000);

  it('should keep serving (counting per process) while Redis is unreachable', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const app: NestFastifyApplication = await createTestApp({
      DATABASE_URL: db.url,
      ETL_SOURCES: '',
      REDIS_URL: deadRedis,
      API_THROTTLE_LIMIT: '3',
    });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await request(app.getHttpServer()).get('/assets?limit=1')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await app.close();
    }
  });
});
