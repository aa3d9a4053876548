import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import http, { type IncomingMessage } from 'node:http';
import path from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import type { WrittenQuotes } from '../../src/etl/load/quote-write-steps.js';
import { LatestQuotesStep } from '../../src/api/prices/latest-quotes.step.js';
import { PriceEventsStep } from '../../src/api/prices/price-events.step.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { startFixtures } from '../support/fixture-env.js';

const CLI = path.join(__dirname, '../../dist/src/tools/cli/etl-cli.js');

interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/** A real SSE client over loopback HTTP: parses frames as they arrive. */
class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  response!: IncomingMessage;
  private buffer = '';
  private req!: http.ClientRequest;

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.take(chunk));
        res.on('error', () => undefined);
        resolve(client);
      });
      client.req.on('error', reject);
    });
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line);
        else {
          const at = line.indexOf(': ');
          fields[line.slice(0, at)] = line.slice(at + 2);
        }
      }
      if (fields.data) this.events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
    }
  }

  async waitFor<T>(find: () => T | undefined, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `SSE: not seen within ${ms} ms (events: ${JSON.stringify(this.events.map((e) => [e.id, e.data.symbol]))})`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.req.destroy();
  }
}

function runCli(
  env: Record<string, string | undefined>,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...testEnv(env) } as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * GET /stream/prices over a real socket, fed by batches committed in ANOTHER process (the built CLI)
 * through PostgreSQL LISTEN/NOTIFY. Needs `npm run build` (dist/).
 */
describe('GET /stream/prices (SSE, real PostgreSQL, events from another process)', () => {
  let db: TestDatabase;
  let upstream: FixtureUpstream;
  let env: Record<string, string>;
  let app: NestFastifyApplication;
  let base: string;
  const clients: SseClient[] = [];
  const open = async (query: string, headers?: Record<string, string>) => {
    const c = await SseClient.open(`${base}/stream/prices?${query}`, headers);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const fixtures = await startFixtures(30);
    upstream = fixtures.upstream;
    env = { ...fixtures.env, DATABASE_URL: db.url, PRICE_STREAM_HEARTBEAT_MS: '300' };
    app = await createTestApp(env);
    expect((await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coingecko', 'coinpaprika'] })).status).toBe(
      'succeeded',
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  it('should answer text/event-stream with the request id and throttle headers, and send `: ping` heartbeats', async () => {
    const c = await open('symbols=BTC');
    expect(c.response.statusCode).toBe(200);
    expect(c.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(c.response.headers['x-request-id']).toBeDefined();
    expect(c.response.headers['x-ratelimit-limit']).toBeDefined();
    await c.waitFor(() => (c.comments.filter((l) => l === ': ping').length >= 2 ? true : undefined), 5_000);
    c.close();
  });

  it('should be documented in Swagger as text/event-stream with the Last-Event-ID header', async () => {
    const doc = (await fetch(`${base}/docs-json`).then((r) => r.json())) as any;
    const op = doc.paths['/stream/prices'].get;
    expect(op.operationId).toBe('priceStream_prices');
    expect(Object.keys(op.responses['200'].content)).toContain('text/event-stream');
    expect(op.responses['200'].content['text/event-stream'].schema.example).toContain('event: price');
    expect(op.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['symbols', 'asset_ids', 'Last-Event-ID']),
    );
  });

  it('should validate like GET /prices (400 naming the field, before any stream starts)', async () => {
    const c = await open(`symbols=${Array.from({ length: 251 }, (_, i) => `S${i}`).join(',')}`);
    expect(c.response.statusCode).toBe(400);
    const bad = await open('symbols=BTC', { 'last-event-id': 'yesterday' });
    expect(bad.response.statusCode).toBe(400);
  });

  let btcEvent: SseEvent;

  it('should deliver an event for a batch committed by another process (the built CLI), with the consensus /prices reports', async () => {
    const c = await open('symbols=BTC,ETH');
    await c.waitFor(() => (c.comments.includes(': connected') ? true : undefined), 5_000);
    upstream.overrides.set('BTC', { priceFactor: 1.05 });
    upstream.advance(60_000);
    const run = await runCli(env, 'run', '--source', 'coingecko', '--json');
    expect(run.status).toBe(0);

    const prices = (await fetch(`${base}/prices?symbols=BTC`).then((r) => r.json())) as any;
    const bitcoin = prices.data.find((i: any) => i.asset.name === 'Bitcoin');
    btcEvent = await c.waitFor(() =>
      c.events.find(
        (e) => e.data.asset_id === bitcoin.asset.id && e.data.consensus_price_usd === bitcoin.consensus_price_usd,
      ),
    );
    expect(btcEvent.event).toBe('price');
    expect(btcEvent.id).toMatch(/^\d+$/);
    expect(Object.keys(btcEvent.data).sort()).toEqual([
      'asset_id',
      'consensus_price_usd',
      'observed_at',
      'sources',
      'symbol',
    ]);
    expect(btcEvent.data.symbol).toBe('BTC');
    expect(btcEvent.data.observed_at).toBe(bitcoin.observed_at);
    expect(btcEvent.data.sources.map((s: any) => [s.source, s.price_usd])).toEqual(
      bitcoin.sources.map((s: any) => [s.source, s.price_usd]),
    );
    // Only what was asked for, in increasing id order.
    expect(c.events.every((e) => ['BTC', 'ETH'].includes(e.data.symbol))).toBe(true);
    const ids = c.events.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    c.close();
  }, 120_000);

  it('should replay the kept events after Last-Event-ID on reconnect, and nothing already seen', async () => {
    const before = String(BigInt(btcEvent.id) - 1n);
    const replay = await open('symbols=BTC', { 'last-event-id': before });
    const first = await replay.waitFor(() => replay.events[0], 5_000);
    expect(first.id).toBe(btcEvent.id);
    expect(first.data).toEqual(btcEvent.data);

    const caughtUp = await open('symbols=BTC', { 'last-event-id': btcEvent.id });
    await caughtUp.waitFor(
      () => (caughtUp.comments.filter((l) => l === ': ping').length >= 2 ? true : undefined),
      5_000,
    );
    expect(caughtUp.events).toEqual([]);
  });

  it('should send no event for a batch that rolled back, and one for the same change committed', async () => {
    const [eth] = await queryRows<{ id: string; source_asset_id: string }>(
      db.url,
      `SELECT asset_id::text AS id, source_asset_id FROM latest_quotes WHERE source = 'coingecko' AND asset_id IN (SELECT id FROM assets WHERE symbol = 'ETH')`,
    );
    const c = await open(`asset_ids=${eth.id}`);
    await c.waitFor(() => (c.comments.includes(': connected') ? true : undefined), 5_000);
    // Later than the CLI run's snapshot (the fixture clock was advanced): latest_quotes only moves forward.
    const at = new Date(upstream.snapshotTime.getTime() + 60_000);
    const written = (price: string): WrittenQuotes => ({
      runId: '0',
      source: 'coingecko',
      quotes: [
        {
          assetId: eth.id,
          sourceAssetId: eth.source_asset_id,
          observedAt: at,
          priceUsd: price,
          marketCapUsd: null,
          volume24hUsd: null,
        },
      ],
    });
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const steps = [app.get(LatestQuotesStep), app.get(PriceEventsStep)];
    const batch = (w: WrittenQuotes) =>
      dataSource.transaction(async (m) => {
        for (const s of steps) await s.afterQuotesWritten(m, w);
      });

    await expect(
      dataSource.transaction(async (m) => {
        for (const s of steps) await s.afterQuotesWritten(m, written('1234567.891'));
        throw new Error('the batch fails after its steps ran');
      }),
    ).rejects.toThrow('the batch fails');
    await batch(written('2345678.912'));

    const committed = await c.waitFor(() =>
      c.events.find((e) => e.data.sources.some((s: any) => s.price_usd === '2345678.912')),
    );
    expect(committed.data.asset_id).toBe(eth.id);
    expect(c.events.some((e) => JSON.stringify(e.data).includes('1234567.891'))).toBe(false);
    const kept = await queryRows(db.url, `SELECT id FROM price_events WHERE sources::text LIKE '%1234567.891%'`);
    expect(kept).toEqual([]);
  });

  it('should reconnect its LISTEN connection when the database drops it, and deliver what was committed meanwhile', async () => {
    const [eth] = await queryRows<{ id: string; source_asset_id: string }>(
      db.url,
      `SELECT asset_id::text AS id, source_asset_id FROM latest_quotes WHERE source = 'coingecko' AND asset_id IN (SELECT id FROM assets WHERE symbol = 'ETH')`,
    );
    const c = await open(`asset_ids=${eth.id}`);
    await c.waitFor(() => (c.comments.includes(': connected') ? true : undefined), 5_000);
    const killed = await queryRows<{ ok: boolean }>(
      db.url,
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
                                                              WHERE application_name = 'kasparro-price-stream' AND datname = current_database()`,
    );
    expect(killed).toEqual([{ ok: true }]);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const at = new Date(upstream.snapshotTime.getTime() + 120_000);
    await dataSource.transaction(async (m) => {
      const w: WrittenQuotes = {
        runId: '0',
        source: 'coingecko',
        quotes: [
          {
            assetId: eth.id,
            sourceAssetId: eth.source_asset_id,
            observedAt: at,
            priceUsd: '3456789.123',
            marketCapUsd: null,
            volume24hUsd: null,
          },
        ],
      };
      for (const s of [app.get(LatestQuotesStep), app.get(PriceEventsStep)]) await s.afterQuotesWritten(m, w);
    });
    await c.waitFor(() => c.events.find((e) => e.data.sources.some((s: any) => s.price_usd === '3456789.123')));
    const listeners = await queryRows(
      db.url,
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'kasparro-price-stream' AND datname = current_database()`,
    );
    expect(listeners).toHaveLength(1);
  });
});
