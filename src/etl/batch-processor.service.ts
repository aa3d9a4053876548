import { Injectable } from '@nestjs/common';
import type { ExtractedBatch } from './extractor/extractor.interface.js';
import { BatchPreparer } from './batch/batch-preparer.service.js';
import { BatchWriter } from './batch/batch-writer.service.js';
import type { BatchContext, BatchResult, PrepareContext, PreparedBatch } from './batch/batch.types.js';

export { CopyFirstPolicies } from './batch/batch.types.js';
export type {
  BatchContext,
  BatchResult,
  PrepareContext,
  PreparedBatch,
  PreparedNews,
  PreparedQuote,
} from './batch/batch.types.js';

/**
 * Turns one extracted batch into committed rows: `prepare` (BatchPreparer: drift check, mapping,
 * identity from the run's cache) then `commit` (BatchWriter: ONE transaction for everything the
 * batch produced). Callers that pipeline batches use the two steps apart.
 */
@Injectable()
export class BatchProcessor {
  constructor(
    private readonly preparer: BatchPreparer,
    private readonly writer: BatchWriter,
  ) {}

  async process(ctx: BatchContext, batch: ExtractedBatch): Promise<BatchResult> {
    return this.commit(ctx, await this.prepare(ctx, batch));
  }

  prepare(run: PrepareContext, batch: ExtractedBatch): Promise<PreparedBatch> {
    return this.preparer.prepare(run, batch);
  }

  commit(ctx: BatchContext, prepared: PreparedBatch): Promise<BatchResult> {
    return this.writer.commit(ctx, prepared);
  }
}
