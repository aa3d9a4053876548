import {
  decimalOrNull,
  cleanDecimal,
  mapped,
  rejected,
  type ExtractedBatch,
  type HistoryCapability,
  type HistoryContext,
  type MapResult,
  type RawRecord,
  type StreamDefinition,
  streamOf,
} from '@kasparro/etl-plugin-sdk';

/**
 * CoinGecko answers hourly points for ranges up to 90 days and daily points beyond: chunks of at
 * most 90 days keep the hourly resolution, one request each (within the source's rate limit).
 */
const MAX_CHUNK_SECONDS = 90 * 24 * 3600;

type Point = [unknown, unknown];

/**
 * History via `GET /coins/{id}/market_chart/range?vs_currency=usd&from=&to=` (unix seconds). The
 * three series (prices, market caps, volumes) are joined by their millisecond instant into one
 * record per point; points outside [from, to) are left out (CoinGecko's `to` is inclusive).
 */
export class CoinGeckoHistory implements HistoryCapability {
  readonly maxChunkSeconds = MAX_CHUNK_SECONDS;
  readonly stream: StreamDefinition = streamOf(
    'market_chart',
    'market_quotes',
    'id:string!',
    'symbol:string!',
    'observed_at:string!',
    'price:number!',
    'market_cap:number?',
    'total_volume:number?',
  );

  constructor(
    private readonly baseUrl: () => string,
    private readonly headers: () => Record<string, string> | undefined,
  ) {}

  async *extractRange(context: HistoryContext): AsyncIterable<ExtractedBatch> {
    const { asset } = context;
    const body = await context.http.getJson<Record<string, unknown>>(
      `${this.baseUrl()}/coins/${encodeURIComponent(asset.sourceAssetId)}/market_chart/range`,
      {
        headers: this.headers(),
        query: {
          vs_currency: 'usd',
          from: Math.floor(context.from.getTime() / 1000),
          to: Math.ceil(context.to.getTime() / 1000),
        },
        signal: context.signal,
      },
    );
    const prices = series(body, 'prices');
    const caps = new Map(series(body, 'market_caps').map(([t, v]) => [String(t), v]));
    const volumes = new Map(series(body, 'total_volumes').map(([t, v]) => [String(t), v]));
    const records: RawRecord[] = [];
    for (const [t, price] of prices) {
      const ms = Number(String(t));
      if (!(ms >= context.from.getTime() && ms < context.to.getTime())) continue;
      const observedAt = new Date(ms).toISOString();
      records.push({
        naturalKey: `${asset.sourceAssetId}@${observedAt}`,
        payload: {
          id: asset.sourceAssetId,
          symbol: asset.symbol,
          name: asset.name,
          observed_at: observedAt,
          price,
          market_cap: caps.get(String(t)) ?? null,
          total_volume: volumes.get(String(t)) ?? null,
        },
      });
    }
    for (let i = 0; i < records.length; i += context.batchSize) {
      yield { stream: this.stream.name, records: records.slice(i, i + context.batchSize), cursor: {} };
    }
  }

  map(record: RawRecord): MapResult {
    const p = record.payload;
    const id = typeof p.id === 'string' ? p.id : null;
    const symbol = typeof p.symbol === 'string' ? p.symbol.trim().toUpperCase() : null;
    if (!id || !symbol) return rejected('id and symbol are required');
    const price = cleanDecimal(p.price);
    if (!price.ok || price.value === null) return rejected(`${id}: price ${price.ok ? 'missing' : price.reason}`);
    if (Number(price.value) < 0) return rejected(`${id}: negative price ${price.value}`);
    const observedAt = new Date(String(p.observed_at));
    if (Number.isNaN(observedAt.getTime())) {
      return rejected(`${id}: observed_at "${String(p.observed_at)}" is not a timestamp`);
    }
    return mapped({
      kind: 'market_quote',
      sourceAssetId: id,
      symbol,
      name: typeof p.name === 'string' ? p.name : null,
      rank: null,
      observedAt,
      priceUsd: price.value,
      marketCapUsd: decimalOrNull(p.market_cap),
      volume24hUsd: decimalOrNull(p.total_volume),
      change24hPct: null,
      circulatingSupply: null,
      totalSupply: null,
      maxSupply: null,
    });
  }
}

function series(body: Record<string, unknown>, name: string): Point[] {
  const value = body?.[name];
  if (!Array.isArray(value)) throw new Error(`coingecko market_chart/range: "${name}" is not an array`);
  return value.filter((p): p is Point => Array.isArray(p) && p.length >= 2);
}
