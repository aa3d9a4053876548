import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Headers that depend on configuration: HTTPS-only security headers, trusted proxies, compression. */
describe('HTTP hardening', () => {
  let db: TestDatabase;
  const apps: NestFastifyApplication[] = [];
  const boot = async (env: Record<string, string>): Promise<NestFastifyApplication> => {
    const app = await createTestApp({ DATABASE_URL: db.url, ETL_SOURCES: '', ...env });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  describe('HSTS and upgrade-insecure-requests', () => {
    const hsts = (res: request.Response) => res.headers['strict-transport-security'] as string | undefined;
    const upgrades = (res: request.Response) =>
      String(res.headers['content-security-policy']).includes('upgrade-insecure-requests');

    it.each([
      // [HTTPS_SECURITY_HEADERS, TRUST_PROXY, X-Forwarded-Proto sent, HTTPS headers expected]
      ['auto', 'off', undefined, false],
      ['auto', 'off', 'https', false], // a client cannot claim HTTPS without a trusted proxy
      ['auto', '127.0.0.1', 'https', true],
      ['auto', '1', 'https', true],
      ['auto', '127.0.0.1', 'http', false],
      ['auto', '10.0.0.0/8', 'https', false], // the test client (127.0.0.1) is not that proxy
      ['always', 'off', undefined, true],
      ['never', '127.0.0.1', 'https', false],
    ])('mode %s, TRUST_PROXY=%s, X-Forwarded-Proto %s: HTTPS headers %s', async (mode, trust, proto, expected) => {
      const app = await boot({ HTTPS_SECURITY_HEADERS: mode, TRUST_PROXY: trust });
      const req = request(app.getHttpServer()).get('/health/live');
      const res = await (proto ? req.set('X-Forwarded-Proto', proto) : req).expect(200);
      expect(hsts(res) !== undefined).toBe(expected);
      if (expected) expect(hsts(res)).toMatch(/max-age=\d+/);
      expect(upgrades(res)).toBe(expected);
      // The rest of the policy is there either way.
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('throttling', () => {
    const LIMIT = 4;
    const hit = (app: NestFastifyApplication, forwardedFor?: string) => {
      const req = request(app.getHttpServer()).get('/assets?limit=1');
      return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
    };

    it('should send X-RateLimit-* on every answer and a 429 in the error envelope', async () => {
      const app = await boot({ API_THROTTLE_LIMIT: String(LIMIT), API_THROTTLE_TTL_SECONDS: '60' });
      const answers = [];
      for (let i = 0; i < LIMIT + 2; i++) answers.push(await hit(app));

      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429]);
      expect(answers.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['3', '2', '1', '0', '0', '0']);
      for (const res of answers) {
        expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
        expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
        expect(Number(res.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60);
      }
      const tooMany = answers[LIMIT];
      expect(Number(tooMany.headers['retry-after'])).toBeGreaterThan(0);
      expect(tooMany.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringContaining('retry after'),
        request_id: tooMany.headers['x-request-id'],
      });
      expect(tooMany.text).not.toContain('ThrottlerException');
    });

    it('should send X-RateLimit-* on every throttled route and none on probes and scrapes', async () => {
      const app = await boot({ API_THROTTLE_LIMIT: '50' });
      const throttled = [
        '/data?limit=1',
        '/assets?limit=1',
        '/news?limit=1',
        '/runs',
        '/stats',
        '/drift-events',
        '/etl/sources',
      ];
      for (const route of throttled) {
        const res = await request(app.getHttpServer()).get(route).expect(200);
        expect([route, res.headers['x-ratelimit-limit'], res.headers['x-ratelimit-remaining']]).toEqual([
          route,
          '50',
          '49',
        ]);
      }
      for (const route of ['/health/live', '/health/ready', '/metrics']) {
        const res = await request(app.getHttpServer()).get(route).expect(200);
        expect([route, res.headers['x-ratelimit-limit']]).toEqual([route, undefined]);
      }
    });

    it('should ignore X-Forwarded-For with TRUST_PROXY off: a spoofed address does not get a new bucket', async () => {
      const app = await boot({ API_THROTTLE_LIMIT: String(LIMIT), TRUST_PROXY: 'off' });
      const statuses = [];
      for (let i = 0; i < LIMIT + 3; i++) statuses.push((await hit(app, `203.0.113.${i}`)).status);
      expect(statuses.slice(LIMIT)).toEqual([429, 429, 429]);
    });

    it.each(['1', '127.0.0.1/32'])(
      'should count each forwarded client apart behind a trusted proxy (TRUST_PROXY=%s)',
      async (trust) => {
        const app = await boot({ API_THROTTLE_LIMIT: String(LIMIT), TRUST_PROXY: trust });
        for (let i = 0; i < LIMIT; i++) await hit(app, '198.51.100.7').expect(200);
        await hit(app, '198.51.100.7').expect(429);
        await hit(app, '198.51.100.8').expect(200);
        // With one trusted hop, only the address the proxy appended counts: a forged first entry is ignored.
        await hit(app, '203.0.113.99, 198.51.100.7').expect(429);
      },
    );
  });

  describe('compression', () => {
    it('should compress large JSON answers for clients that accept it, and leave small ones alone', async () => {
      const app = await boot({ COMPRESSION_THRESHOLD_BYTES: '1024', ETL_SOURCES: 'csv,coinpaprika,coingecko,rss' });
      const plain = await request(app.getHttpServer()).get('/stats').set('Accept-Encoding', 'identity').expect(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(Buffer.byteLength(plain.text)).toBeGreaterThan(1024);
      for (const encoding of ['gzip', 'br', 'deflate']) {
        const large = await request(app.getHttpServer()).get('/stats').set('Accept-Encoding', encoding).expect(200);
        expect(large.headers['content-encoding']).toBe(encoding);
        expect(Number(large.headers['content-length'])).toBeLessThan(Buffer.byteLength(plain.text));
        expect(Object.keys(large.body.data)).toEqual(Object.keys(plain.body.data)); // still the same JSON once decoded
      }
      const docs = await request(app.getHttpServer()).get('/docs-json').set('Accept-Encoding', 'gzip').expect(200);
      expect(docs.headers['content-encoding']).toBe('gzip');
      expect(docs.body.openapi).toMatch(/^3\./);
      const small = await request(app.getHttpServer()).get('/health/live').set('Accept-Encoding', 'gzip').expect(200);
      expect(Buffer.byteLength(small.text)).toBeLessThan(1024);
      expect(small.headers['content-encoding']).toBeUndefined();
    });

    it('should not compress at all with COMPRESSION_ENABLED=false (the ingress compresses)', async () => {
      const app = await boot({ COMPRESSION_ENABLED: 'false', ETL_SOURCES: 'csv,coinpaprika,coingecko,rss' });
      const large = await request(app.getHttpServer()).get('/stats').set('Accept-Encoding', 'gzip').expect(200);
      expect(large.headers['content-encoding']).toBeUndefined();
      expect(Buffer.byteLength(large.text)).toBeGreaterThan(1024);
      expect(large.headers.vary ?? '').not.toMatch(/accept-encoding/i);
    });
  });
});
