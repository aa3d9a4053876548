import { Inject, Injectable } from '@nestjs/common';
import {
  MappedExtractor,
  SourcePlugin,
  type ExtractContext,
  type ExtractedBatch,
  type ProbeContext,
  inBatches,
  streamOf,
  SnapshotReader,
} from '@kasparro/etl-plugin-sdk';
import { CoinGeckoConfig } from './coingecko.config.js';
import { CoinGeckoHistory } from './coingecko.history.js';
import { mapCoinGeckoMarket } from './coingecko.mapper.js';

const PER_PAGE = 250;

const MARKETS = streamOf(
  'markets',
  'market_quotes',
  'id:string!',
  'symbol:string!',
  'name:string!',
  'image:string?',
  'current_price:number!',
  'market_cap:number?',
  'market_cap_rank:number?',
  'fully_diluted_valuation:number?',
  'total_volume:number?',
  'high_24h:number?',
  'low_24h:number?',
  'price_change_24h:number?',
  'price_change_percentage_24h:number?',
  'market_cap_change_24h:number?',
  'market_cap_change_percentage_24h:number?',
  'circulating_supply:number?',
  'total_supply:number?',
  'max_supply:number?',
  'ath:number?',
  'ath_change_percentage:number?',
  'ath_date:string?',
  'atl:number?',
  'atl_change_percentage:number?',
  'atl_date:string?',
  'roi:object?',
  'last_updated:string!',
);

/**
 * CoinGecko `GET /coins/markets` (USD, by market cap), up to COINGECKO_MAX_PAGES pages of 250. Stops
 * on a short or empty page, and on a page that repeats the previous one (a known upstream cache
 * glitch) instead of looping or duplicating. Every run reads every page and skips nothing (see
 * SnapshotReader): a run that stopped early leaves nothing unread for good, the next one reads all.
 */
@SourcePlugin({ id: 'coingecko' })
@Injectable()
export class CoinGeckoExtractor extends MappedExtractor {
  /** Backfills via /coins/{id}/market_chart/range. */
  readonly history = new CoinGeckoHistory(
    () => this.config.baseUrl,
    () => this.headers(),
  );

  constructor(@Inject(CoinGeckoConfig) private readonly config: CoinGeckoConfig) {
    super({
      sourceId: 'coingecko',
      rateLimitPerMinute: 30,
      priority: 30,
      streams: [MARKETS],
      mapPayload: mapCoinGeckoMarket,
    });
  }

  private headers(): Record<string, string> | undefined {
    if (!this.config.apiKey) return undefined;
    return this.config.tier === 'pro'
      ? { 'x-cg-pro-api-key': this.config.apiKey }
      : { 'x-cg-demo-api-key': this.config.apiKey };
  }

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const snapshot = new SnapshotReader(context.runStartedAt);
    let previousIds = '';
    let stoppedEarly: string | undefined = `COINGECKO_MAX_PAGES (${this.config.maxPages}) reached`;
    for (let page = 1; page <= this.config.maxPages; page++) {
      const items = await context.http.getJson<unknown>(`${this.config.baseUrl}/coins/markets`, {
        headers: this.headers(),
        query: { vs_currency: 'usd', order: 'market_cap_desc', per_page: PER_PAGE, page, sparkline: 'false' },
        signal: context.signal,
      });
      if (!Array.isArray(items)) throw new Error(`coingecko: page ${page} is not a JSON array`);
      const ids = items.map((i) => String((i as { id?: unknown }).id)).join(',');
      if (page > 1 && ids === previousIds && ids !== '') {
        context.logger.warn?.({ page }, 'coingecko: page repeats the previous page; stopping pagination');
        stoppedEarly = `page ${page} repeated page ${page - 1}`;
        break;
      }
      previousIds = ids;
      snapshot.pageRead();
      const pageRecords = (items as Array<Record<string, unknown>>).map((item) => snapshot.record(item));
      for (const records of inBatches(pageRecords, context.batchSize)) {
        yield { stream: 'markets', records, cursor: snapshot.reading() };
      }
      if (items.length < PER_PAGE) {
        stoppedEarly = undefined;
        break;
      }
    }
    yield { stream: 'markets', records: [], cursor: snapshot.finished(stoppedEarly) };
  }

  async probe(context: ProbeContext): Promise<void> {
    await context.http.getJson(`${this.config.baseUrl}/ping`, { headers: this.headers(), signal: context.signal });
  }
}
