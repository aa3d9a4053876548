import http, { type ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PriceEventRow } from './price-events.repository.js';
import { formatPriceEvent, SseConnection } from './sse-connection.js';

function event(id: number, symbol = 'BTC', padding = 0): PriceEventRow {
  return {
    id: String(id),
    asset_id: '3b241101-e2bb-5255-8caf-4136c566a962',
    symbol,
    consensus_price_usd: '1.5',
    sources: [
      {
        source: 'x'.repeat(padding),
        price_usd: '1.5',
        observed_at: '2025-05-02T00:00:00.000Z',
        age_seconds: 1,
        fresh: true,
      },
    ],
    observed_at: '2025-05-02T00:00:00.000Z',
  };
}

/** A real loopback HTTP response to write to; the client socket reads or not, as the test says. */
async function withResponse(
  readClient: boolean,
  run: (res: ServerResponse, received: () => string) => Promise<void>,
): Promise<void> {
  let resolveResponse!: (res: ServerResponse) => void;
  const response = new Promise<ServerResponse>((resolve) => (resolveResponse = resolve));
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    resolveResponse(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('error', () => undefined);
  socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
  const res = await response;
  if (!readClient) socket.pause();
  try {
    await run(res, () => text);
  } finally {
    socket.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe(SseConnection.name, () => {
  const options = (res: ServerResponse, onClose = jest.fn()) => ({
    raw: res,
    heartbeatMs: 60_000,
    maxBufferBytes: 64 * 1024,
    symbols: new Set(['BTC']),
    assetIds: new Set<string>(),
    onClose,
  });

  it('should write events once each, in id order, and only those asked for', async () => {
    await withResponse(true, async (res, received) => {
      const c = new SseConnection(options(res));
      expect(c.wants(event(1))).toBe(true);
      expect(c.wants(event(1, 'ETH'))).toBe(false);
      c.send(event(1));
      c.send(event(1));
      c.send(event(2));
      await new Promise((r) => setTimeout(r, 100));
      // Chunked transfer encoding frames each write: compare the SSE frames, not the raw bytes.
      expect(received()).toContain(formatPriceEvent(event(1)));
      expect([...received().matchAll(/^id: (\d+)$/gm)].map((m) => m[1])).toEqual(['1', '2']);
      c.close();
    });
  });

  it('should queue live events during a replay and skip those the replay already wrote', async () => {
    await withResponse(true, async (res, received) => {
      const c = new SseConnection(options(res));
      c.beginReplay();
      c.deliver(event(3));
      c.send(event(2));
      c.send(event(3));
      c.endReplay();
      await new Promise((r) => setTimeout(r, 100));
      const ids = [...received().matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
      expect(ids).toEqual(['2', '3']);
      c.close();
    });
  });

  it('should keep a client that reads, however much it is sent over time', async () => {
    await withResponse(true, async (res, received) => {
      const c = new SseConnection(options(res));
      for (let id = 1; id <= 500; id++) {
        c.send(event(id, 'BTC', 4096));
        if (id % 5 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(c.isClosed).toBe(false);
      expect(received().length).toBeGreaterThan(500 * 4096);
      c.close();
    });
  });

  it('should drop a client that stops reading once its unsent bytes pass the budget, never buffering more', async () => {
    await withResponse(false, async (res) => {
      const onClose = jest.fn();
      const c = new SseConnection(options(res, onClose));
      let maxPending = 0;
      let written = 0;
      for (let id = 1; id < 20_000 && !c.isClosed; id++) {
        c.send(event(id, 'BTC', 4096));
        written += 4200;
        maxPending = Math.max(maxPending, res.writableLength);
        // Let the socket flush what the kernel takes, as a live server would between events.
        if (id % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(c.isClosed).toBe(true);
      expect(onClose).toHaveBeenCalledWith('slow');
      expect(maxPending).toBeLessThanOrEqual(64 * 1024);
      expect(written).toBeLessThan(20_000 * 4200);
    });
  });
});
