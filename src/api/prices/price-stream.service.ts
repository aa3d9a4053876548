import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../platform/config/app-config.js';
import { PriceEventsHub } from './price-events.hub.js';
import type { PriceSelection } from './price-selection.js';
import { SseConnection } from './sse-connection.js';

export interface OpenStream {
  selection: PriceSelection;
  /** Replay the kept events after this id first (the client's Last-Event-ID). */
  lastEventId: string | undefined;
  reply: FastifyReply;
}

/** Turns a validated /stream/prices request into a live SSE connection fed by the process's hub. */
@Injectable()
export class PriceStreamService {
  private readonly logger = new Logger(PriceStreamService.name);

  constructor(
    private readonly hub: PriceEventsHub,
    private readonly config: AppConfig,
  ) {}

  async open({ selection, lastEventId, reply }: OpenStream): Promise<void> {
    // From here on the route writes the socket itself (Fastify sends nothing more). Headers the
    // hooks set (request id, CORS) are carried over; helmet wrote its own on the raw response.
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': connected\n\n');
    const connection = new SseConnection({
      raw,
      heartbeatMs: this.config.priceStream.heartbeatMs,
      maxBufferBytes: this.config.priceStream.maxBufferBytes,
      symbols: new Set(selection.symbols ?? []),
      assetIds: new Set(selection.assetIds ?? []),
      onClose: (reason) => {
        this.hub.unsubscribe(connection);
        if (reason === 'slow') {
          this.logger.warn({ requestId: reply.request.id }, 'price stream client dropped: it does not keep up');
        }
      },
    });
    try {
      if (lastEventId === undefined) {
        await this.hub.subscribe(connection);
        return;
      }
      // Subscribed first, so nothing committed during the replay is missed (duplicates are skipped).
      connection.beginReplay();
      await this.hub.subscribe(connection);
      let after = lastEventId;
      for (;;) {
        const page = await this.hub.replayPage(after);
        for (const e of page) if (connection.wants(e)) connection.send(e);
        if (page.length === 0 || connection.isClosed) break;
        after = page[page.length - 1].id;
      }
      connection.endReplay();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'price stream could not start');
      connection.close();
    }
    if (connection.isClosed) this.hub.unsubscribe(connection);
  }
}
