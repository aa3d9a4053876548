import type { ServerResponse } from 'node:http';
import type { PriceSubscriber } from './price-events.hub.js';
import type { PriceEventRow } from './price-events.repository.js';

export interface SseConnectionOptions {
  raw: ServerResponse;
  heartbeatMs: number;
  /** Bytes the socket has not taken yet beyond which the client is dropped (never buffered without bound). */
  maxBufferBytes: number;
  /** Upper-cased symbols and lower-cased asset ids the client asked for. */
  symbols: ReadonlySet<string>;
  assetIds: ReadonlySet<string>;
  onClose: (reason: 'client' | 'slow' | 'shutdown') => void;
}

/** The SSE frame of one price event (`id` is the event id a reconnect sends back as Last-Event-ID). */
export function formatPriceEvent(e: PriceEventRow): string {
  const data = {
    asset_id: e.asset_id,
    symbol: e.symbol,
    consensus_price_usd: e.consensus_price_usd,
    sources: e.sources,
    observed_at: e.observed_at,
  };
  return `id: ${e.id}\nevent: price\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * One /stream/prices client: filters events, writes them in id order without repeats, sends the
 * heartbeat, and drops itself when its socket stops taking data. While a Last-Event-ID replay runs,
 * live events wait in a queue bounded by the same budget.
 */
export class SseConnection implements PriceSubscriber {
  private sentUpTo = 0n;
  private replaying = false;
  private queued: PriceEventRow[] = [];
  private queuedBytes = 0;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly o: SseConnectionOptions) {
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), o.heartbeatMs);
    o.raw.on('close', () => this.finish('client'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  wants(e: PriceEventRow): boolean {
    return this.o.symbols.has(e.symbol.toUpperCase()) || this.o.assetIds.has(e.asset_id);
  }

  deliver(e: PriceEventRow): void {
    if (!this.replaying) return this.send(e);
    this.queued.push(e);
    this.queuedBytes += e.sources.length * 200 + 200;
    if (this.queuedBytes > this.o.maxBufferBytes) this.drop();
  }

  /** Writes the event unless an event with this id or a later one was already written. */
  send(e: PriceEventRow): void {
    const id = BigInt(e.id);
    if (id <= this.sentUpTo) return;
    this.sentUpTo = id;
    this.write(formatPriceEvent(e));
  }

  beginReplay(): void {
    this.replaying = true;
  }

  /** The live events that arrived during the replay, minus those the replay already wrote. */
  endReplay(): void {
    this.replaying = false;
    const queued = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    for (const e of queued) this.send(e);
  }

  write(chunk: string): void {
    if (this.closed) return;
    // writableLength: what the response and its socket still hold (write() returning false means it grows).
    if (this.o.raw.writableLength + Buffer.byteLength(chunk) > this.o.maxBufferBytes) return this.drop();
    this.o.raw.write(chunk);
  }

  close(): void {
    if (this.closed) return;
    this.o.raw.end();
    this.finish('shutdown');
  }

  private drop(): void {
    if (this.closed) return;
    this.o.raw.destroy();
    this.finish('slow');
  }

  private finish(reason: 'client' | 'slow' | 'shutdown'): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.queued = [];
    this.o.onClose(reason);
  }
}
