import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import {
  mapped,
  rejected,
  SourcePlugin,
  type ExtractContext,
  type ExtractedBatch,
  type Extractor,
  type MapResult,
  type RawRecord,
  type StreamDefinition,
} from '../../../src/etl/extractor/index.js';

/** The dataset the test plugin serves: `assets` coins x `points` timestamps, deterministic. */
export interface TestDataset {
  assets: number;
  points: number;
  /** Every n-th record is malformed (negative price) and must be quarantined. 0 = none. */
  badEvery?: number;
  /** The malformed prices, in turn (default: -1). */
  badPrices?: number[];
  /** Rename the price field (schema drift). */
  priceField?: string;
  /** Pause before each batch (a slow upstream: lets a test act while a run is in progress). */
  delayMs?: number;
}

export const TEST_SOURCE_ID = 'testquotes';

export function datasetRecords(d: TestDataset): RawRecord[] {
  const out: RawRecord[] = [];
  const base = Date.parse('2025-05-01T00:00:00Z');
  for (let p = 0; p < d.points; p++) {
    for (let a = 0; a < d.assets; a++) {
      const i = p * d.assets + a;
      const observed = new Date(base + p * 3_600_000).toISOString();
      const bad = d.badEvery ? i % d.badEvery === d.badEvery - 1 : false;
      const badPrices = d.badPrices ?? [-1];
      const badPrice = badPrices[Math.floor(i / (d.badEvery || 1)) % badPrices.length];
      out.push({
        naturalKey: `coin${a}@${observed}`,
        payload: {
          id: `coin${a}`,
          symbol: `TQ${a}`,
          name: `Test Quote Coin ${a}`,
          [d.priceField ?? 'price']: bad ? badPrice : 100 + a + p / 100,
          observed_at: observed,
        },
      });
    }
  }
  return out;
}

/**
 * A test-only source plugin registered exactly like a real one (decorator + its own module), proving
 * a plugin runs through the real ETL without any engine change. Cursor: `{ offset }`.
 */
@SourcePlugin({ id: TEST_SOURCE_ID })
@Injectable()
export class TestQuotesExtractor implements Extractor {
  static dataset: TestDataset = { assets: 10, points: 20 };
  /** Today's value rule: the lowest accepted price (a test "fixes" it to replay quarantined rows). */
  static minPrice = 0;
  readonly sourceId = TEST_SOURCE_ID;
  readonly streams: StreamDefinition[] = [
    {
      name: 'quotes',
      kind: 'market_quotes',
      expectedSchema: [
        { path: 'id', type: 'string', required: true },
        { path: 'symbol', type: 'string', required: true },
        { path: 'name', type: 'string' },
        { path: 'price', type: 'number', required: true },
        { path: 'observed_at', type: 'string', required: true },
      ],
    },
  ];
  readonly rateLimitPerMinute = 6000;

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const records = datasetRecords(TestQuotesExtractor.dataset);
    let offset = Number(context.cursor('quotes')?.offset ?? 0);
    while (offset < records.length) {
      context.signal.throwIfAborted();
      const batch = records.slice(offset, offset + context.batchSize);
      offset += batch.length;
      await (TestQuotesExtractor.dataset.delayMs
        ? new Promise((r) => setTimeout(r, TestQuotesExtractor.dataset.delayMs))
        : Promise.resolve());
      yield { stream: 'quotes', records: batch, cursor: { offset } };
    }
  }

  map(record: RawRecord): MapResult {
    const p = record.payload as { id: string; symbol: string; name: string; price: number; observed_at: string };
    if (!(p.price >= TestQuotesExtractor.minPrice)) {
      return rejected(
        TestQuotesExtractor.minPrice === 0
          ? `price must be a non-negative number, got ${p.price}`
          : `price must be at least ${TestQuotesExtractor.minPrice}, got ${p.price}`,
      );
    }
    return mapped({
      kind: 'market_quote',
      sourceAssetId: p.id,
      symbol: p.symbol,
      name: p.name,
      rank: null,
      observedAt: new Date(p.observed_at),
      priceUsd: String(p.price),
      marketCapUsd: null,
      volume24hUsd: null,
      change24hPct: null,
      circulatingSupply: null,
      totalSupply: null,
      maxSupply: null,
    });
  }
}

@Module({})
export class TestPluginModule {
  static register(): DynamicModule {
    return { module: TestPluginModule, providers: [TestQuotesExtractor] };
  }
}
