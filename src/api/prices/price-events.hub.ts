import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { DatabaseLocation } from '../../platform/database/database.module.js';
import { PRICE_EVENTS_CHANNEL, PriceEventsRepository, type PriceEventRow } from './price-events.repository.js';

/** One stream client, as the hub sees it. */
export interface PriceSubscriber {
  /** Whether this client wants the event (its symbols / asset ids). */
  wants(event: PriceEventRow): boolean;
  /** Hands the event over; the subscriber drops itself when it cannot keep up. */
  deliver(event: PriceEventRow): void;
  /** Ends the client's connection (shutdown). */
  close(): void;
}

const PAGE = 500;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * The process's ONE dedicated LISTEN connection and the fan-out to its stream clients. A NOTIFY only
 * says "new events": the hub then reads the rows after the last id it dispatched, so a notification
 * lost while the connection was down is caught up by the read after reconnecting. Started by the
 * first subscriber (a CLI or worker process never opens it).
 */
@Injectable()
export class PriceEventsHub implements OnModuleDestroy {
  private readonly logger = new Logger(PriceEventsHub.name);
  private readonly subscribers = new Set<PriceSubscriber>();
  private client: Client | undefined;
  private starting: Promise<void> | undefined;
  private cursor = '0';
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private reconnectMs = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly location: DatabaseLocation,
    private readonly events: PriceEventsRepository,
  ) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Adds a client once the LISTEN connection is up (events committed from then on reach it). */
  async subscribe(subscriber: PriceSubscriber): Promise<void> {
    await this.start();
    this.subscribers.add(subscriber);
  }

  unsubscribe(subscriber: PriceSubscriber): void {
    this.subscribers.delete(subscriber);
  }

  /** Events after `afterId` still kept (a Last-Event-ID replay), oldest first, one page. */
  replayPage(afterId: string): Promise<PriceEventRow[]> {
    return this.events.listAfter(afterId, PAGE);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    // Open streams would keep the HTTP server from closing.
    for (const s of [...this.subscribers]) s.close();
    this.subscribers.clear();
    await this.client?.end().catch(() => undefined);
  }

  private start(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.starting ??= this.connect().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.location.url, application_name: 'kasparro-price-stream' });
    client.on('notification', () => this.drain());
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    // First process start: follow from the newest event; after a reconnect: from where we stopped.
    if (this.cursor === '0') this.cursor = await this.events.newestId();
    await client.query(`LISTEN ${PRICE_EVENTS_CHANNEL}`);
    this.client = client;
    this.reconnectMs = RECONNECT_MIN_MS;
    this.drain();
  }

  private lost(client: Client, err: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.logger.warn(
      { err: err.message, retryMs: this.reconnectMs },
      'price stream LISTEN connection lost; reconnecting',
    );
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.start().catch((err: Error) => {
        this.logger.warn({ err: err.message }, 'price stream LISTEN reconnect failed');
        this.reconnectMs = Math.min(this.reconnectMs * 2, RECONNECT_MAX_MS);
        this.scheduleReconnect();
      });
    }, this.reconnectMs);
    this.reconnectTimer.unref();
  }

  /** Reads and dispatches every new event; one reader at a time (a notification meanwhile reads again). */
  private drain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.readAll()
      .catch((err: Error) =>
        this.logger.warn({ err: err.message }, 'price events read failed; next notification retries'),
      )
      .finally(() => {
        this.draining = undefined;
        if (this.drainAgain) {
          this.drainAgain = false;
          this.drain();
        }
      });
  }

  private async readAll(): Promise<void> {
    for (;;) {
      const page = await this.events.listAfter(this.cursor, PAGE);
      for (const event of page) {
        this.cursor = event.id;
        for (const s of [...this.subscribers]) if (s.wants(event)) s.deliver(event);
      }
      if (page.length < PAGE) return;
    }
  }
}
