import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RetryBudgetExhaustedError, UpstreamError } from '../../common/errors/domain-errors.js';
import type { MetricsService } from '../../metrics/metrics.service.js';
import { JsonNumber, stringifyJson } from '../extractor/json-number.js';
import { SourceRateLimiter } from './rate-limiter.js';
import { RetryingHttpClient, type RetryPolicy } from './source-http-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real loopback server answering with a scripted sequence of handlers (last one repeats). */
async function upstream(handlers: Handler[]): Promise<{ url: string; hits: IncomingMessage[]; close: () => Promise<void> }> {
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
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
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
  const sut = new RetryingHttpClient('coingecko', new SourceRateLimiter('coingecko', rpm, 100), { ...policy, ...overrides }, metrics, quietLogger);
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
      id: 'x', price: new JsonNumber('12345678901.123456789012345'),
      supply: new JsonNumber('1234567890123456789012345'), p: '1.5',
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

    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(calls.retries).toEqual(['429']);
    expect(calls.waited).toBeGreaterThanOrEqual(1);
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
    server = await upstream([(_q, res) => setTimeout(() => json(200, { late: true })(_q, res), 1000), json(200, { ok: 1 })]);
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
    const sut = new RetryingHttpClient('rss', new SourceRateLimiter('rss', 600, 1), policy, metrics, quietLogger);
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
    const sut = new RetryingHttpClient('x', new SourceRateLimiter('x', 6000, 100), { ...policy, baseDelayMs: 5000, maxWaitMs: 5000, maxRetries: 5 }, metrics, quietLogger, controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('shutdown')), 100);

    await expect(sut.getJson(server.url)).rejects.toThrow('shutdown');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
