import { Injectable, Module } from '@nestjs/common';
import {
  mapped,
  rejected,
  type ExtractContext,
  type ExtractedBatch,
  type Extractor,
  type MapResult,
  type RawRecord,
} from '../index.js';
import { SourcePlugin } from '../source-plugin.decorator.js';
import { runExtractorConformance, type ConformanceOptions } from './conformance.js';
import { declaredCheckOutcomes } from './declared-checks.js';

/** Runs the kit's declared checks outside Jest's registry, so a test can see which ones fail. */
const outcomes = (options: ConformanceOptions) => declaredCheckOutcomes(() => runExtractorConformance(options));

const quote = (id: string, price: string): MapResult =>
  mapped({
    kind: 'market_quote',
    sourceAssetId: id,
    symbol: id.toUpperCase(),
    name: id,
    rank: null,
    observedAt: new Date('2029-01-01T00:00:00Z'),
    priceUsd: price,
    marketCapUsd: null,
    volume24hUsd: null,
    change24hPct: null,
    circulatingSupply: null,
    totalSupply: null,
    maxSupply: null,
  });

/** A plugin that breaks every rule the kit checks. */
@SourcePlugin({ id: 'rulebreaker' })
@Injectable()
class RuleBreakerExtractor implements Extractor {
  readonly sourceId = 'rulebreaker';
  readonly streams = [{ name: 'quotes', kind: 'market_quotes' as const }];
  private calls = 0;
  private runs = 0;

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    this.runs += 1;
    await fetch('http://127.0.0.1:9/outside').catch(() => undefined);
    const rows = Array.from({ length: 6 }, (_, i) => ({
      naturalKey: `k${i}-${this.runs}`,
      payload: { id: `c${i}`, price: String(i + 1) },
    }));
    // Twice the batch size, and a watermark that goes back.
    yield {
      stream: 'quotes',
      records: rows.slice(0, context.batchSize * 2),
      cursor: { watermark: '2029-06-01T00:00:00.000Z' },
    };
    yield {
      stream: 'quotes',
      records: rows.slice(context.batchSize * 2),
      cursor: { watermark: '2029-01-01T00:00:00.000Z' },
    };
  }

  map(record: RawRecord): MapResult {
    this.calls += 1;
    return quote(String(record.payload.id), `${String(record.payload.price)}.${this.calls}`);
  }
}

@Module({ providers: [RuleBreakerExtractor] })
class RuleBreakerModule {}

/** A well-behaved plugin: the kit must pass it. */
@SourcePlugin({ id: 'wellbehaved' })
@Injectable()
class WellBehavedExtractor implements Extractor {
  readonly sourceId = 'wellbehaved';
  readonly streams = [{ name: 'quotes', kind: 'market_quotes' as const }];

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const from = Number(context.cursor('quotes')?.next ?? 0);
    const rows = Array.from({ length: 7 }, (_, i) => ({
      naturalKey: `c${i}`,
      payload: { id: `c${i}`, price: i === 3 ? 'bad' : String(i + 1) },
    }));
    for (let i = from; i < rows.length; i += context.batchSize) {
      if (context.signal.aborted) return;
      await Promise.resolve();
      yield {
        stream: 'quotes',
        records: rows.slice(i, i + context.batchSize),
        cursor: { next: Math.min(i + context.batchSize, rows.length) },
      };
    }
  }

  map(record: RawRecord): MapResult {
    const price = String(record.payload.price);
    return /^\d+$/.test(price) ? quote(String(record.payload.id), price) : rejected(`not a price: ${price}`);
  }
}

@Module({ providers: [WellBehavedExtractor] })
class WellBehavedModule {}

const noFixtures = { start: () => Promise.resolve({ env: {} }) };

describe('runExtractorConformance', () => {
  it('should pass a plugin that follows the rules', async () => {
    const results = await outcomes({
      module: WellBehavedModule,
      fixtures: noFixtures,
      batchSize: 2,
      expectRejects: true,
    });
    expect([...results.values()].filter(Boolean)).toEqual([]);
    expect(results.size).toBe(8);
  });

  it('should fail each rule a plugin breaks, saying which', async () => {
    const results = await outcomes({ module: RuleBreakerModule, fixtures: noFixtures, batchSize: 2 });
    const failed = (fragment: string) => [...results].find(([name]) => name.includes(fragment))?.[1];
    expect(failed('batches of at most batchSize')).toMatch(/more than batchSize 2/);
    expect(failed('natural key')).toMatch(/same natural keys/);
    expect(failed('maps purely')).toMatch(/two different results/);
    expect(failed('never moves a cursor back')).toMatch(/watermark moved back/);
    expect(failed('through context.http')).toMatch(/outside context\.http: fetch http:\/\/127\.0\.0\.1:9\/outside/);
  });
});
