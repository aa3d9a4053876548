import { Injectable, Module } from '@nestjs/common';
import { SourcePlugin, type ExtractContext, type ExtractedBatch, type Extractor, type MapResult, type RawRecord } from '@kasparro/etl-plugin-sdk';
import { runEngineConformance } from '@kasparro/etl-plugin-sdk/testing';
import { kasparroEngine } from '../support/kasparro-engine.js';
import { datasetRecords, TestQuotesExtractor } from '../support/test-plugin/test-quotes.extractor.js';

/**
 * The engine checks bite: a plugin whose cursor runs one batch ahead of its records (the resumed
 * run skips a batch) passes a clean run but fails both kills, through the real engine.
 */
@SourcePlugin({ id: 'cursorahead' })
@Injectable()
class CursorAheadExtractor implements Extractor {
  readonly sourceId = 'cursorahead';
  readonly streams = [{ name: 'quotes', kind: 'market_quotes' as const }];
  private readonly quotes = new TestQuotesExtractor();

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const records = datasetRecords({ assets: 3, points: 4 });
    for (let offset = Number(context.cursor('quotes')?.offset ?? 0); offset < records.length; offset += context.batchSize) {
      context.signal.throwIfAborted();
      await Promise.resolve();
      yield { stream: 'quotes', records: records.slice(offset, offset + context.batchSize), cursor: { offset: Math.min(offset + 2 * context.batchSize, records.length) } };
    }
  }

  map(record: RawRecord): MapResult {
    return this.quotes.map(record);
  }
}

@Module({ providers: [CursorAheadExtractor] })
class CursorAheadModule {}

type Body = () => Promise<void> | void;

/** Runs the checks `declare` declares outside Jest's registry: each check's failure message (null when it passes). */
async function outcomes(declare: () => void): Promise<Map<string, string | null>> {
  const its: Array<[string, Body]> = [];
  const before: Body[] = [];
  const after: Body[] = [];
  const g = globalThis as Record<string, unknown>;
  const saved = { describe: g.describe, it: g.it, beforeAll: g.beforeAll, afterAll: g.afterAll };
  Object.assign(g, {
    describe: (_: string, body: () => void) => body(),
    it: (name: string, body: Body) => its.push([name, body]),
    beforeAll: (body: Body) => before.push(body),
    afterAll: (body: Body) => after.push(body),
  });
  try {
    declare();
  } finally {
    Object.assign(g, saved);
  }
  const results = new Map<string, string | null>();
  try {
    for (const body of before) await body();
    for (const [name, body] of its) {
      try {
        await body();
        results.set(name, null);
      } catch (err) {
        results.set(name, err instanceof Error ? err.message : String(err));
      }
    }
  } finally {
    for (const body of after) await body();
  }
  return results;
}

describe('runEngineConformance against a plugin that loses rows on resume', () => {
  it('should pass its clean run and fail both kills, naming the missing rows', async () => {
    const results = await outcomes(() =>
      runEngineConformance({ module: CursorAheadModule, engine: kasparroEngine(), batchSize: 2, maxKillPoints: 1, fixtures: { start: () => Promise.resolve({ env: {} }) } }),
    );
    const failed = (fragment: string) => [...results].find(([name]) => name.includes(fragment))?.[1];
    expect(failed('runs to success')).toBeNull();
    expect(failed('at a batch boundary')).toMatch(/killed batch-boundary after batch 1\/6: 4 rows of the clean run are missing/);
    expect(failed('inside a batch')).toMatch(/killed mid-batch after batch 1\/6: 4 rows of the clean run are missing/);
  }, 180_000);
});
