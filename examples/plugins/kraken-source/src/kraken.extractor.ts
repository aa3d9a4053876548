import { Inject, Injectable } from '@nestjs/common';
import {
  SourcePlugin,
  SourcePluginError,
  type ExtractContext,
  type ExtractedBatch,
  type Extractor,
  type MapResult,
  type ProbeContext,
  type RawRecord,
  type StreamDefinition,
} from '@kasparro/etl-plugin-sdk';
import { KRAKEN_CONFIG, KrakenEnv } from './kraken.config.js';
import { mapKrakenTicker, type KrakenTickerPayload } from './kraken.mapper.js';

interface TickerResponse {
  error?: unknown[];
  result?: Record<string, Record<string, unknown>>;
}

const STREAM: StreamDefinition = {
  name: 'tickers',
  kind: 'market_quotes',
  expectedSchema: [
    { path: 'pair', type: 'string', required: true },
    { path: 'observed_at', type: 'string', required: true },
    { path: 'ticker.c', type: 'array', required: true },
    { path: 'ticker.v', type: 'array' },
    { path: 'ticker.p', type: 'array' },
  ],
};

/**
 * Kraken's public ticker: one call returns the current state of every requested pair (a snapshot,
 * with no timestamp), so every run reads it all; the cursor only records what was read.
 */
@SourcePlugin({ id: 'kraken' })
@Injectable()
export class KrakenExtractor implements Extractor {
  readonly sourceId = 'kraken';
  /** Kraken's public endpoints allow about one call per second; KRAKEN_RATE_LIMIT_PER_MIN overrides. */
  readonly rateLimitPerMinute = 60;
  readonly streams = [STREAM];

  constructor(@Inject(KRAKEN_CONFIG) private readonly config: KrakenEnv) {}

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const body = await context.http.getJson<TickerResponse>(this.url(), {
      signal: context.signal,
      query: this.query(),
    });
    const pairs = this.pairsOf(body);
    const observedAt = context.runStartedAt.toISOString();
    for (let i = 0; i < pairs.length; i += context.batchSize) {
      if (context.signal.aborted) return;
      const slice = pairs.slice(i, i + context.batchSize);
      const read = i + slice.length;
      yield {
        stream: STREAM.name,
        records: slice.map(([pair, ticker]) => this.record({ pair, ticker, observed_at: observedAt })),
        cursor: { snapshot: { read_at: observedAt, pairs_read: read, complete: read === pairs.length } },
      };
    }
  }

  map(record: RawRecord): MapResult {
    return mapKrakenTicker(record.payload as unknown as KrakenTickerPayload);
  }

  async probe(context: ProbeContext): Promise<void> {
    await context.http.getJson(`${this.config.KRAKEN_BASE_URL.replace(/\/$/, '')}/0/public/Time`, {
      signal: context.signal,
    });
  }

  private record(payload: KrakenTickerPayload): RawRecord {
    // A new observation per run: the pair at the instant the run read it.
    return {
      naturalKey: `${payload.pair}@${payload.observed_at}`,
      payload: payload as unknown as Record<string, unknown>,
    };
  }

  private pairsOf(body: TickerResponse): Array<[string, Record<string, unknown>]> {
    if (Array.isArray(body.error) && body.error.length > 0) {
      throw new SourcePluginError({
        sourceId: this.sourceId,
        kind: 'upstream_format',
        message: `Ticker answered errors: ${body.error.map(String).join('; ')}`,
      });
    }
    if (body.result === null || typeof body.result !== 'object') {
      throw new SourcePluginError({
        sourceId: this.sourceId,
        kind: 'upstream_format',
        message: 'Ticker: no "result" object',
      });
    }
    // Sorted, so batches (and their cursors) are the same for the same response.
    return Object.entries(body.result).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private url(): string {
    return `${this.config.KRAKEN_BASE_URL.replace(/\/$/, '')}/0/public/Ticker`;
  }

  private query(): Record<string, string> | undefined {
    const pairs = this.config.KRAKEN_PAIRS?.split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    return pairs && pairs.length > 0 ? { pair: pairs.join(',') } : undefined;
  }
}
