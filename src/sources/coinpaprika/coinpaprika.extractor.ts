import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import {
  MappedExtractor,
  SourcePlugin,
  type ExtractContext,
  type ExtractedBatch,
  type ProbeContext,
  type RawRecord,
  streamOf,
  SnapshotReader,
} from '@kasparro/etl-plugin-sdk';
import { CoinPaprikaConfig } from './coinpaprika.config.js';
import { mapCoinPaprikaTicker } from './coinpaprika.mapper.js';
import { losslessArrayStream } from './lossless-array-stream.js';

const TICKERS = streamOf(
  'tickers',
  'market_quotes',
  'id:string!',
  'name:string!',
  'symbol:string!',
  'rank:number',
  'total_supply:number?',
  'max_supply:number?',
  'beta_value:number?',
  'first_data_at:string?',
  'last_updated:string!',
  'quotes.USD.price:number!',
  'quotes.USD.volume_24h:number?',
  'quotes.USD.market_cap:number?',
  'quotes.USD.percent_change_24h:number?',
);

/**
 * CoinPaprika `GET /tickers`: every active coin in one response of several MB, parsed as a stream
 * (stream-json) so it is never held twice in memory, numbers kept as their received text
 * (JsonNumber). Every run reads the whole snapshot; unchanged quotes are skipped by the loaders on
 * their content hash, not by a watermark (see SnapshotReader).
 */
@SourcePlugin({ id: 'coinpaprika' })
@Injectable()
export class CoinPaprikaExtractor extends MappedExtractor {
  constructor(@Inject(CoinPaprikaConfig) private readonly config: CoinPaprikaConfig) {
    super({
      sourceId: 'coinpaprika',
      rateLimitPerMinute: 600,
      priority: 20,
      streams: [TICKERS],
      mapPayload: mapCoinPaprikaTicker,
    });
  }

  private headers(): Record<string, string> | undefined {
    // The pro API takes the bare key in Authorization (no "Bearer").
    return this.config.apiKey ? { authorization: this.config.apiKey } : undefined;
  }

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const snapshot = new SnapshotReader(context.runStartedAt);
    const body = await context.http.getStream(`${this.config.baseUrl}/tickers`, {
      headers: this.headers(),
      signal: context.signal,
    });
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

  async probe(context: ProbeContext): Promise<void> {
    await context.http.getJson(`${this.config.baseUrl}/global`, { headers: this.headers(), signal: context.signal });
  }
}
