import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import {
  SourcePlugin,
  type ExtractContext,
  type ExtractedBatch,
  type Extractor,
  type MapResult,
  type ProbeContext,
  type RawRecord,
  type StreamDefinition,
  SnapshotReader,
} from '@kasparro/etl-plugin-sdk';
import { CoinPaprikaConfig } from './coinpaprika.config.js';
import { mapCoinPaprikaTicker } from './coinpaprika.mapper.js';
import { losslessArrayStream } from './lossless-array-stream.js';

/**
 * CoinPaprika `GET /tickers`: every active coin in one response of several MB, parsed as a stream
 * (stream-json) so it is never held twice in memory, numbers kept as their received text
 * (JsonNumber). Every run reads the whole snapshot; unchanged quotes are skipped by the loaders on
 * their content hash, not by a watermark (see SnapshotReader).
 */
@SourcePlugin({ id: 'coinpaprika' })
@Injectable()
export class CoinPaprikaExtractor implements Extractor {
  readonly sourceId = 'coinpaprika';
  readonly rateLimitPerMinute = 600;
  readonly priority = 20;
  readonly streams: StreamDefinition[] = [
    {
      name: 'tickers',
      kind: 'market_quotes',
      expectedSchema: [
        { path: 'id', type: 'string', required: true },
        { path: 'name', type: 'string', required: true },
        { path: 'symbol', type: 'string', required: true },
        { path: 'rank', type: 'number' },
        { path: 'total_supply', type: 'number', nullable: true },
        { path: 'max_supply', type: 'number', nullable: true },
        { path: 'beta_value', type: 'number', nullable: true },
        { path: 'first_data_at', type: 'string', nullable: true },
        { path: 'last_updated', type: 'string', required: true },
        { path: 'quotes.USD.price', type: 'number', required: true },
        { path: 'quotes.USD.volume_24h', type: 'number', nullable: true },
        { path: 'quotes.USD.market_cap', type: 'number', nullable: true },
        { path: 'quotes.USD.percent_change_24h', type: 'number', nullable: true },
      ],
    },
  ];

  constructor(@Inject(CoinPaprikaConfig) private readonly config: CoinPaprikaConfig) {}

  private headers(): Record<string, string> | undefined {
    // The pro API takes the bare key in Authorization (no "Bearer").
    return this.config.apiKey ? { authorization: this.config.apiKey } : undefined;
  }

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const snapshot = new SnapshotReader(context.runStartedAt);
    const body = await context.http.getStream(`${this.config.baseUrl}/tickers`, { headers: this.headers(), signal: context.signal });
    const items = losslessArrayStream(body as Readable);
    let records: RawRecord[] = [];
    for await (const { value } of items) {
      records.push(snapshot.record(value));
      if (records.length >= context.batchSize) {
        yield { stream: 'tickers', records, cursor: snapshot.reading() };
        records = [];
      }
    }
    snapshot.pageRead();
    yield { stream: 'tickers', records, cursor: snapshot.finished() };
  }

  map(record: RawRecord): MapResult {
    return mapCoinPaprikaTicker(record.payload);
  }

  async probe(context: ProbeContext): Promise<void> {
    await context.http.getJson(`${this.config.baseUrl}/global`, { headers: this.headers(), signal: context.signal });
  }
}
