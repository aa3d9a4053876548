import fc from 'fast-check';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFixtures } from '../support/fixture-env.js';
import { query } from './compare.js';
import { scale } from './scale.js';

const RUNS = scale(60, 600);

const ENDPOINTS: Array<{ path: string; params: string[] }> = [
  {
    path: '/data',
    params: [
      'source',
      'symbol',
      'asset_id',
      'from',
      'to',
      'min_price',
      'max_price',
      'sort',
      'limit',
      'cursor',
      'offset',
    ],
  },
  { path: '/news', params: ['asset_id', 'source', 'from', 'to', 'q', 'limit', 'cursor'] },
  { path: '/assets', params: ['q', 'symbol', 'needs_review', 'limit', 'cursor'] },
  { path: '/runs', params: ['status', 'trigger', 'source', 'limit', 'cursor'] },
  { path: '/drift-events', params: ['source', 'kind', 'status', 'since', 'limit', 'cursor'] },
  { path: '/runs/compare', params: ['base', 'target'] },
];

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE market_quotes; --',
    '%',
    '_',
    '\\',
    '%00',
    '../../etc/passwd',
    '${jndi:x}',
    '<script>',
    'NaN',
    '-1',
    '1e309',
    '9'.repeat(400),
    'ü'.repeat(300),
    '2025-13-45T99:99:99Z',
    '',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

/** Every public endpoint with invalid, oversized, unicode and SQL-metacharacter parameters. */
describe(`fuzzing the public endpoints (${RUNS} inputs per endpoint)`, () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const f = await startFixtures(30);
    upstream = f.upstream;
    app = await createTestApp({ ...f.env, DATABASE_URL: db.url, API_THROTTLE_LIMIT: '1000000' });
    await app.get(EtlRunner).run({ trigger: 'manual' });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  const counts = () =>
    query<Record<string, number>>(
      db.url,
      `SELECT (SELECT count(*) FROM market_quotes)::int q, (SELECT count(*) FROM assets)::int a, (SELECT count(*) FROM news_items)::int n, (SELECT count(*) FROM etl_runs)::int r`,
    );

  it.each(ENDPOINTS.map((e) => [e.path, e] as const))(
    '%s: always 200 or a 400 naming the field, never 500, never a changed row',
    async (_p, endpoint) => {
      const before = await counts();
      let tried = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...endpoint.params, 'unexpected'), hostile, { minKeys: 1, maxKeys: 3 }),
          async (params) => {
            tried += 1;
            const res = await request(app.getHttpServer()).get(endpoint.path).query(params);
            expect([200, 400, 404]).toContain(res.status);
            if (res.status === 400) {
              const fields: string[] = (res.body.errors ?? []).map((e: { field: string }) => e.field);
              expect(fields.length).toBeGreaterThan(0);
              expect(fields.every((f) => Object.keys(params).includes(f) || endpoint.params.includes(f))).toBe(true);
            }
          },
        ),
        { numRuns: RUNS },
      );
      expect(await counts()).toEqual(before);
      process.stdout.write(`[reliability] fuzz ${endpoint.path}: ${tried} inputs, 0 server errors\n`);
    },
  );

  it('path parameters: never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostile, fc.uuid()), async (id) => {
        for (const path of [`/assets/${encodeURIComponent(id)}`, `/runs/${encodeURIComponent(id)}`]) {
          const res = await request(app.getHttpServer()).get(path);
          expect([200, 400, 404]).toContain(res.status);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
