import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { PartitionMaintenance } from '../../catalog/partitions/partition-maintenance.service.js';
import { CheckpointService } from '../checkpoint/checkpoint.service.js';
import type { StreamCursor } from '../extractor/extractor.interface.js';
import type { BatchCounts } from '../ledger/batch-counts.js';
import type { WriteCounts } from '../load/market-quotes.repository.js';
import { rawCopyText, type RawRow } from '../raw/raw-record.repository.js';
import { describeDataError, isDataError } from '../validation/data-error.js';
import { isolateFailingUnits } from '../validation/row-isolation.js';
import { RowIsolationRepository } from '../validation/row-isolation.repository.js';
import { BatchBookkeeping } from './batch-bookkeeping.service.js';
import { BatchRowWriter } from './batch-row-writer.service.js';
import { quarantineRow, ZERO_WRITES } from './batch-rows.js';
import type { BatchContext, BatchResult, PreparedBatch, PreparedNews, PreparedQuote } from './batch.types.js';

/** A prepared batch in its transaction, with the cursor it commits. */
interface BatchTransaction {
  ctx: BatchContext;
  prepared: PreparedBatch;
  cursor: StreamCursor;
}

/**
 * The database half of processing a batch: ONE transaction holding raw payloads, canonical rows,
 * quarantined rows, drift events, the stream's checkpoint and the ledger counts. Either all of it
 * commits or none of it does.
 */
@Injectable()
export class BatchWriter {
  private readonly logger = new Logger(BatchWriter.name);

  constructor(
    private readonly rows: BatchRowWriter,
    private readonly bookkeeping: BatchBookkeeping,
    private readonly checkpoints: CheckpointService,
    private readonly partitions: PartitionMaintenance,
    private readonly isolation: RowIsolationRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * When the transaction fails with a data error (a value the envelope let through and PostgreSQL
   * refuses), the batch is written again with its rows isolated: the rows that fail alone are
   * quarantined with the database's message, the rest commits with the checkpoint, so no row can
   * stall its source.
   */
  async commit(ctx: BatchContext, prepared: PreparedBatch): Promise<BatchResult> {
    const { batch, inspection } = prepared;
    const cursor = this.checkpoints.advance(ctx.previousCursor, batch.cursor, ctx.runStartedAt);
    // Before the batch's transaction, in a short one of its own: no instant may lack a partition.
    await this.partitions.ensureCovering({
      market_quotes: prepared.quotes.map((q) => q.quote.observedAt),
      raw_records: prepared.rawRows.map((r) => r.observedAt),
    });
    let counts: BatchCounts;
    try {
      counts = await this.transaction({ ctx, prepared, cursor });
      ctx.resolvedAssets?.commit();
    } catch (err) {
      ctx.resolvedAssets?.discard();
      if (!isDataError(err)) throw err;
      const where = { source: ctx.extractor.sourceId, stream: ctx.stream.name };
      this.logger.warn({ ...where, error: describeDataError(err) }, 'batch refused by the database: isolating rows');
      counts = await this.isolatingTransaction({ ctx, prepared, cursor });
    }
    return { counts, cursor, fingerprint: inspection.fingerprint, findings: inspection.findings };
  }

  private transaction({ ctx, prepared, cursor }: BatchTransaction): Promise<BatchCounts> {
    return this.dataSource.transaction(async (manager) => {
      await this.guard(manager, ctx);
      const written = await this.rows.writeRows(manager, {
        source: ctx.extractor.sourceId,
        runId: ctx.runId,
        rows: { raw: prepared.raw, quotes: prepared.quotes, news: prepared.newsItems },
        options: { cache: ctx.resolvedAssets, copyFirst: ctx.copyFirst, cacheGeneration: prepared.cacheGeneration },
      });
      return this.bookkeeping.finishBatch(manager, { ctx, prepared, written, cursor, isolated: [] });
    });
  }

  /**
   * The batch again, one record per unit (its raw payload and its canonical row), bisected inside
   * savepoints until the units the database refuses are found. Without the run's asset cache (a
   * rolled-back subset must not leave entries in it) and without COPY-first (always staged).
   */
  private isolatingTransaction({ ctx, prepared, cursor }: BatchTransaction): Promise<BatchCounts> {
    return this.dataSource.transaction(async (manager) => {
      await this.guard(manager, ctx);
      const { results, failed } = await isolateFailingUnits({
        units: unitsOf(prepared),
        savepoints: this.isolation.savepointsOf(manager),
        write: async (units: RowUnit[]) => {
          const written = await this.rows.writeRows(manager, {
            source: ctx.extractor.sourceId,
            runId: ctx.runId,
            rows: {
              raw: rawCopyText(
                units.flatMap((u) => (u.raw ? [u.raw] : [])),
                ctx.runId,
              ),
              quotes: units.flatMap((u) => u.quotes),
              news: units.flatMap((u) => u.news),
            },
            options: {},
          });
          await this.isolation.dropStagingTables(manager);
          return written;
        },
      });
      const written = results.reduce(addWriteCounts, ZERO_WRITES);
      const source = ctx.extractor.sourceId;
      const isolated = failed.flatMap(({ unit, error }) => {
        const record = unit.quotes[0]?.record ?? unit.news[0]?.record;
        const reason = `database refused the row: ${describeDataError(error)}`;
        return record
          ? [
              quarantineRow({
                source,
                stream: ctx.stream.name,
                naturalKey: record.naturalKey,
                payload: record.payload,
                reason,
              }),
            ]
          : [];
      });
      const keys = failed.map((f) => f.unit.naturalKey);
      this.logger.warn({ source, stream: ctx.stream.name, quarantined: keys }, 'rows the database refused quarantined');
      return this.bookkeeping.finishBatch(manager, { ctx, prepared, written, cursor, isolated });
    });
  }

  /** What a batch's transaction takes first. */
  private async guard(manager: EntityManager, ctx: BatchContext): Promise<void> {
    // Before any table lock: partition DDL waits for this transaction (and it for the DDL).
    await this.partitions.holdAgainstDdl(manager);
    // Fencing first: a run that lost its source writes nothing (checked again with the checkpoint).
    await this.checkpoints.assertOwner(manager, ctx.fence);
  }
}

/** One record of a batch in the database: its raw payload and the canonical rows mapped from it. */
interface RowUnit {
  naturalKey: string;
  raw?: RawRow;
  quotes: PreparedQuote[];
  news: PreparedNews[];
}

function addWriteCounts(a: WriteCounts, b: WriteCounts): WriteCounts {
  return {
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    duplicate: a.duplicate + b.duplicate,
  };
}

/** The batch as units, one per stored record, in the batch's order. */
function unitsOf(prepared: PreparedBatch): RowUnit[] {
  const units = new Map<string, RowUnit>();
  const unit = (naturalKey: string): RowUnit => {
    let u = units.get(naturalKey);
    if (!u) units.set(naturalKey, (u = { naturalKey, quotes: [], news: [] }));
    return u;
  };
  for (const r of prepared.rawRows) unit(r.naturalKey).raw = r;
  for (const q of prepared.quotes) unit(q.record.naturalKey).quotes.push(q);
  for (const n of prepared.newsItems) unit(n.record.naturalKey).news.push(n);
  return [...units.values()];
}
