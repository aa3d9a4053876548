import { Injectable, Module } from '@nestjs/common';
import {
  SourcePlugin,
  type ExtractContext,
  type ExtractedBatch,
  type Extractor,
  type MapResult,
  type RawRecord,
} from '@kasparro/etl-plugin-sdk';
import { runEngineConformance } from '@kasparro/etl-plugin-sdk/testing';
// The kit's own test helper, from the SDK's source (the package does not export it).
import { declaredCheckOutcomes } from '../../packages/etl-plugin-sdk/src/testing/declared-checks.js';
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
    for (
      let offset = Number(context.cursor('quotes')?.offset ?? 0);
      offset < records.length;
      offset += context.batchSize
    ) {
      context.signal.throwIfAborted();
      await Promise.resolve();
      yield {
        stream: 'quotes',
        records: records.slice(offset, offset + context.batchSize),
        cursor: { offset: Math.min(offset + 2 * context.batchSize, records.length) },
      };
    }
  }

  map(record: RawRecord): MapResult {
    return this.quotes.map(record);
  }
}

@Module({ providers: [CursorAheadExtractor] })
class CursorAheadModule {}

describe('runEngineConformance against a plugin that loses rows on resume', () => {
  it('should pass its clean run and fail both kills, naming the missing rows', async () => {
    const results = await declaredCheckOutcomes(() =>
      runEngineConformance({
        module: CursorAheadModule,
        engine: kasparroEngine(),
        batchSize: 2,
        maxKillPoints: 1,
        fixtures: { start: () => Promise.resolve({ env: {} }) },
      }),
    );
    const failed = (fragment: string) => [...results].find(([name]) => name.includes(fragment))?.[1];
    expect(failed('runs to success')).toBeNull();
    expect(failed('at a batch boundary')).toMatch(
      /killed batch-boundary after batch 1\/6: 4 rows of the clean run are missing/,
    );
    expect(failed('inside a batch')).toMatch(/killed mid-batch after batch 1\/6: 4 rows of the clean run are missing/);
  }, 180_000);
});
