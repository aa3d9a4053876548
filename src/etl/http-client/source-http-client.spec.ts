import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RetryBudgetExhaustedError, UpstreamError } from '../../common/errors/domain-errors.js';
import type { MetricsService } from '../../platform/metrics/metrics.service.js';
import { JsonNumber, stringifyJson } from '../extractor/json-number.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { SourceRateLimiter } from './rate-limiter.js';
import { RetryingHttpClient, type RetryPolicy } from './source-http-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real loopback server answering with a scripted sequence of handlers (last one repeats). */
async function upstream(
  handlers: Handler[],
): Promise<{ url: string; hits: IncomingMessage[]; close: () => Promise<void> }> {
  const hits: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req);
    handlers[Math.min(hits.length - 1, handlers.length - 1)](req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/things`,
    hits,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

function fakeMetrics() {
  const calls = { requests: [] as string[], retries: [] as string[], waited: 0 };
  const metrics = {
    upstreamRequest: (_s: string, status: string) => calls.requests.push(status),
    retry: (_s: string, reason: string) => calls.retries.push(reason),
    rateLimitWaited: (_s: string, seconds: number) => (calls.waited += seconds),
  } as unknown as MetricsService;
  return { metrics, calls };
}

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const policy: RetryPolicy = { timeoutMs: 300, maxRetries: 3, baseDelayMs: 5, maxWaitMs: 3000 };

function client(overrides: Partial<RetryPolicy> = {}, rpm = 6000) {
  const { metrics, calls } = fakeMetrics();
  const sut = new RetryingHttpClient({
    source: 'coingecko',
    limiter: new SourceRateLimiter('coingecko', rpm, 100),
    policy: { ...policy, ...overrides },
    metrics,
    logger: quietLogger,
  });
  return { sut, calls };
}

describe(RetryingHttpClient.name, () => {
  let server: Awaited<ReturnType<typeof upstream>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('should return parsed JSON and send the given headers and query', async () => {
    server = await upstream([json(200, [{ id: 'bitcoin' }])]);
    const { sut, calls } = client();

    const body = await sut.getJson(server.url, { headers: { 'x-cg-demo-api-key': 'k-123' }, query: { page: 2 } });

    expect(body).toEqual([{ id: 'bitcoin' }]);
    expect(server.hits[0].headers['x-cg-demo-api-key']).toBe('k-123');
    expect(server.hits[0].url).toBe('/v1/things?page=2');
    expect(calls.requests).toEqual(['200']);
  });

  it('should parse numbers losslessly, keeping every digit of the body', async () => {
    const text = '[{"id":"x","price":12345678901.123456789012345,"supply":1234567890123456789012345,"p":"1.5"}]';
    server = await upstream([
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
      },
    ]);
    const { sut } = client();

    const body = await sut.getJson<Array<Record<string, unknown>>>(server.url);

    expect(body[0]).toEqual({
      id: 'x',
      price: new JsonNumber('12345678901.123456789012345'),
      supply: new JsonNumber('1234567890123456789012345'),
      p: '1.5',
    });
    expect(stringifyJson(body)).toBe(text);
  });

  it('should retry 5xx with backoff and then succeed', async () => {
    server = await upstream([json(503, {}), json(500, {}), json(200, { ok: true })]);
    const { sut, calls } = client();

    await expect(sut.getJson(server.url)).resolves.toEqual({ ok: true });

    expect(server.hits).toHaveLength(3);
    expect(calls.retries).toEqual(['503', '500']);
    expect(sut.usage.retries).toBe(2);
  });

  it('should honour Retry-After in seconds as the minimum wait', async () => {
    server = await upstream([json(429, { status: { error_code: 429 } }, { 'retry-after': '1' }), json(200, { ok: 1 })]);
    const { sut, calls } = client();
    const started = Date.now();

    await sut.getJson(server.url);

    // Timers may fire a millisecond early against Date.now(): a few ms of tolerance, no more.
    expect(Date.now() - started).toBeGreaterThanOrEqual(995);
    expect(calls.retries).toEqual(['429']);
    expect(calls.waited).toBeGreaterThanOrEqual(0.995);
  });

  it('should honour Retry-After given as an HTTP date', async () => {
    const when = () => new Date(Date.now() + 1500).toUTCString();
    server = await upstream([(_q, res) => json(429, {}, { 'retry-after': when() })(_q, res), json(200, { ok: 1 })]);
    const { sut } = client();
    const started = Date.now();

    await sut.getJson(server.url);

    // HTTP dates have one-second resolution: at least ~0.5 s must have been waited.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('should fail fast on 401 with the likely cause, without retrying or leaking the key', async () => {
    server = await upstream([json(401, { error: 'invalid api key' })]);
    const { sut } = client();

    const error = await sut.getJson(`${server.url}?x_cg_demo_api_key=secret-key`).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/coingecko: upstream answered HTTP 401 .* API key is missing or invalid/);
    expect((error as Error).message).not.toContain('secret-key');
    expect(server.hits).toHaveLength(1);
  });

  it.each([[400], [402], [403], [404]])('should not retry HTTP %i', async (status) => {
    server = await upstream([json(status, { error: 'no' })]);
    const { sut } = client();

    await expect(sut.getJson(server.url)).rejects.toThrow(new RegExp(`HTTP ${status}`));
    expect(server.hits).toHaveLength(1);
  });

  it('should end as rate limited when 429 persists past the retry budget', async () => {
    server = await upstream([json(429, {}, { 'retry-after': '0' })]);
    const { sut } = client({ maxRetries: 2 });

    const error = await sut.getJson(server.url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
    expect((error as RetryBudgetExhaustedError).classification).toBe('rate_limited');
    expect(server.hits).toHaveLength(3);
  });

  it('should stop waiting when Retry-After exceeds the wait budget', async () => {
    server = await upstream([json(429, {}, { 'retry-after': '3600' })]);
    const { sut } = client({ maxWaitMs: 1000 });
    const started = Date.now();

    await expect(sut.getJson(server.url)).rejects.toBeInstanceOf(RetryBudgetExhaustedError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('should retry timeouts and report them as such', async () => {
    server = await upstream([
      (_q, res) => setTimeout(() => json(200, { late: true })(_q, res), 1000),
      json(200, { ok: 1 }),
    ]);
    const { sut, calls } = client({ timeoutMs: 200 });

    await expect(sut.getJson(server.url)).resolves.toEqual({ ok: new JsonNumber('1') });
    expect(calls.retries).toEqual(['timeout']);
    expect(calls.requests[0]).toBe('timeout');
  });

  it('should retry connection resets', async () => {
    server = await upstream([(req) => req.socket.destroy(), json(200, { ok: 1 })]);
    const { sut, calls } = client();

    await expect(sut.getJson(server.url)).resolves.toEqual({ ok: new JsonNumber('1') });
    expect(calls.retries).toEqual(['network']);
  });

  it('should retry malformed JSON and empty bodies, then fail with a clear reason', async () => {
    server = await upstream([(_q, res) => res.end('{"trunc'), (_q, res) => res.end('')]);
    const { sut } = client({ maxRetries: 2 });

    const error = await sut.getJson(server.url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
    expect((error as Error).message).toMatch(/malformed response body .*empty body/);
    expect(server.hits).toHaveLength(3);
  });

  it('should wait for the rate limit between requests', async () => {
    server = await upstream([json(200, {})]);
    const { metrics, calls } = fakeMetrics();
    const limiter = new SourceRateLimiter('rss', 600, 1);
    const sut = new RetryingHttpClient({ source: 'rss', limiter, policy, metrics, logger: quietLogger });
    const started = Date.now();

    for (let i = 0; i < 4; i++) await sut.getJson(server.url);

    // 600/min with a bucket of 1 = one request per 100 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(calls.waited).toBeGreaterThan(0.2);
  });

  it('should abort promptly when the run signal aborts', async () => {
    server = await upstream([json(503, {})]);
    const { metrics } = fakeMetrics();
    const controller = new AbortController();
    // Long backoff waits: without an abortable wait the call would hang for seconds.
    const sut = new RetryingHttpClient({
      source: 'x',
      limiter: new SourceRateLimiter('x', 6000, 100),
      policy: { ...policy, baseDelayMs: 5000, maxWaitMs: 5000, maxRetries: 5 },
      metrics,
      logger: quietLogger,
      signal: controller.signal,
    });
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('shutdown')), 100);

    await expect(sut.getJson(server.url)).rejects.toThrow('shutdown');
    expect(Date.now() - started).toBeLessThan(1000);
  });
  describe('wait accounting', () => {
    /** Jitter pinned to its ceiling, so the backoff waits are 50, 100, 200 ms (base 50, doubling). */
    function pinned(overrides: Partial<RetryPolicy> = {}, limiter = new SourceRateLimiter('coingecko', 6000, 100)) {
      const { metrics, calls } = fakeMetrics();
      const sut = new RetryingHttpClient({
        source: 'coingecko',
        limiter,
        policy: { ...policy, baseDelayMs: 50, ...overrides },
        metrics,
        logger: quietLogger,
        random: () => 1,
      });
      return { sut, calls };
    }

    it('should count backoff sleeps and report the real waited time when giving up', async () => {
      server = await upstream([json(503, { error: 'down' })]);
      const { sut, calls } = pinned();
      const started = Date.now();

      const error = (await sut.getJson(server.url).catch((e: unknown) => e)) as Error;

      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
      expect(server.hits).toHaveLength(4);
      expect(sut.usage.backoffWaitMs).toBeGreaterThanOrEqual(349);
      expect(sut.usage.backoffWaitMs).toBeLessThanOrEqual(elapsed);
      expect(sut.usage.retryAfterWaitMs).toBe(0);
      const total = Math.round(sut.usage.backoffWaitMs + sut.usage.rateLimitWaitMs);
      const backoff = Math.round(sut.usage.backoffWaitMs);
      expect(error.message).toContain(
        `gave up after 4 attempt(s) and ${total} ms of waiting (backoff ${backoff} ms, Retry-After 0 ms, rate limit`,
      );
      expect(error.message).not.toContain(' 0 ms of waiting');
      // Backoff is not a rate limit: the rate-limit metric does not count it.
      expect(calls.waited).toBeLessThan(0.05);
    });

    it('should count Retry-After apart from backoff, the backoff adding only what goes beyond it', async () => {
      server = await upstream([json(429, {}, { 'retry-after': '1' }), json(200, { ok: 1 })]);
      const { sut, calls } = pinned({ baseDelayMs: 1500 });

      expect(stringifyJson(await sut.getJson(server.url))).toBe('{"ok":1}');

      expect(sut.usage.retryAfterWaitMs).toBeGreaterThanOrEqual(999);
      expect(sut.usage.retryAfterWaitMs).toBeLessThan(1200);
      // Pinned backoff of 1500 ms: 1000 ms were already waited for Retry-After, 500 ms remain.
      expect(sut.usage.backoffWaitMs).toBeGreaterThanOrEqual(499);
      expect(sut.usage.backoffWaitMs).toBeLessThan(700);
      expect(calls.waited).toBeGreaterThanOrEqual(0.999);
    });

    it('should not charge rate-limiter waits to the Retry-After budget', async () => {
      // 600/min with a bucket of 1: each request after the first waits ~100 ms for a token.
      server = await upstream([json(200, {})]);
      const { sut } = pinned({ maxWaitMs: 400 }, new SourceRateLimiter('coingecko', 600, 1));
      for (let i = 0; i < 6; i++) await sut.getJson(server.url);
      expect(sut.usage.rateLimitWaitMs).toBeGreaterThan(400);
      await server.close();
      server = await upstream([json(429, {}, { 'retry-after': '0' }), json(200, { ok: 1 })]);

      // Under the old shared budget the rate-limit waits above had already spent it: this gave up.
      expect(stringifyJson(await sut.getJson(server.url))).toBe('{"ok":1}');
      expect(sut.usage.retries).toBe(1);
    });

    it('should give up naming the Retry-After asked for and the budget left', async () => {
      server = await upstream([json(429, {}, { 'retry-after': '2' }), json(429, {}, { 'retry-after': '2' })]);
      const { sut } = pinned({ maxWaitMs: 3000, baseDelayMs: 1 });

      const error = (await sut.getJson(server.url).catch((e: unknown) => e)) as RetryBudgetExhaustedError;

      expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
      expect(error.classification).toBe('rate_limited');
      expect(server.hits).toHaveLength(2);
      const left = Math.round(3000 - sut.usage.retryAfterWaitMs);
      const waits = String.raw`\(backoff 0 ms, Retry-After 20\d\d ms, rate limit \d+ ms\)`;
      expect(error.message).toMatch(
        new RegExp(
          String.raw`gave up after 2 attempt\(s\) and \d+ ms of waiting ${waits}; ` +
            `Retry-After asked for 2000 ms, over the ${left} ms left`,
        ),
      );
    });

    it('should mask configured secrets in the upstream body before cutting it to an excerpt', async () => {
      const key = 'cg-SECRET-9z8y7x';
      server = await upstream([json(401, { error: `${'x'.repeat(170)} invalid key ${key}` })]);
      const { metrics } = fakeMetrics();
      const sut = new RetryingHttpClient({
        source: 'coingecko',
        limiter: new SourceRateLimiter('coingecko', 6000, 100),
        policy,
        metrics,
        logger: quietLogger,
        masker: new SecretMasker([{ name: 'COINGECKO_API_KEY', value: key }]),
      });

      const error = (await sut.getJson(server.url).catch((e: unknown) => e)) as Error;

      // The key starts at character 193 of the body, the excerpt stops at 200: masked first, then cut.
      expect(error.message).toContain('invalid key [Redact');
      expect(error.message).not.toContain('cg-SE');
    });
  });
});
