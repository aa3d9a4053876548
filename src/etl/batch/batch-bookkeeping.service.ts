import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SourceCountersRepository } from '../../catalog/counters/source-counters.repository.js';
import { CheckpointService } from '../checkpoint/checkpoint.service.js';
import { DriftService } from '../drift/drift.service.js';
import type { StreamCursor } from '../extractor/extractor.interface.js';
import type { BatchCounts } from '../ledger/batch-counts.js';
import { RunLedgerRepository } from '../ledger/run-ledger.repository.js';
import type { WriteCounts } from '../load/market-quotes.repository.js';
import { QuarantineRepository, type QuarantineRow } from '../quarantine/quarantine.repository.js';
import { dedupeQuarantine } from './batch-rows.js';
import type { BatchContext, PreparedBatch } from './batch.types.js';

/** How a batch's write ended, for the records every batch ends with. */
export interface BatchEnd {
  ctx: BatchContext;
  prepared: PreparedBatch;
  written: WriteCounts;
  cursor: StreamCursor;
  /**
   * Records the database refused alone, as quarantine rows. Only those with a canonical row: one
   * without was quarantined already (its mapper's reason is kept, and it is counted once).
   */
  isolated: QuarantineRow[];
}

/** What every batch ends with, in its transaction: quarantine, drift events, checkpoint, ledger counts. */
@Injectable()
export class BatchBookkeeping {
  constructor(
    private readonly quarantine: QuarantineRepository,
    private readonly drift: DriftService,
    private readonly checkpoints: CheckpointService,
    private readonly ledger: RunLedgerRepository,
    private readonly counters: SourceCountersRepository,
  ) {}

  async finishBatch(manager: EntityManager, end: BatchEnd): Promise<BatchCounts> {
    const { ctx, prepared } = end;
    const source = ctx.extractor.sourceId;
    const { batch, inspection } = prepared;
    const quarantined =
      end.isolated.length === 0 ? prepared.quarantined : dedupeQuarantine([...prepared.quarantined, ...end.isolated]);
    const quarantinedNew = await this.quarantine.quarantine(manager, ctx.runId, quarantined);
    await this.drift.record(manager, { runId: ctx.runId, source, stream: ctx.stream.name, inspection });
    if (!ctx.keepCursor) {
      await this.checkpoints.commit(manager, {
        source,
        stream: ctx.stream.name,
        cursor: end.cursor,
        runId: ctx.runId,
        fence: ctx.fence,
      });
    }
    await ctx.alsoInTransaction?.(manager);
    const batchCounts: BatchCounts = {
      extracted: batch.records.length + (batch.rejects?.length ?? 0),
      inserted: end.written.inserted,
      updated: end.written.updated,
      unchanged: end.written.unchanged,
      // Records whose natural key a later record of the batch repeated: the later one was kept.
      duplicate: end.written.duplicate + prepared.duplicates,
      quarantined: prepared.quarantinedCount + end.isolated.length,
    };
    await this.ledger.addBatchCounts(manager, ctx.sourceRunId, batchCounts);
    // Last, in the same transaction: the stored-row counters /stats and list totals read.
    await this.counters.addBatch(manager, {
      source,
      table: ctx.stream.kind === 'news' ? 'news_items' : 'market_quotes',
      inserted: end.written.inserted,
      quarantined: quarantinedNew,
    });
    return batchCounts;
  }
}
