import { Injectable, Logger } from '@nestjs/common';
import { ResolvedAssetCache } from '../../catalog/resolved-asset-cache.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { BatchProcessor } from '../batch-processor.service.js';
import { BatchBoundary } from '../batch/batch-boundary.service.js';
import type { ExtractedBatch, Extractor, HistoryCapability } from '../extractor/extractor.interface.js';
import type { BatchCounts } from '../ledger/batch-counts.js';
import { RunCancelledError } from '../operations/operation-errors.js';
import { HttpClientFactory } from '../http-client/http-client.factory.js';
import type { Waits } from '../http-client/waits.js';
import type { SourceFence } from '../checkpoint/source-lease.repository.js';
import { sideRunBatchContext } from '../batch/side-run-batch.js';
import { BackfillRepository, type PendingChunk } from './backfill.repository.js';

export interface BackfillJob {
  backfillId: string;
  runId: string;
  sourceRunId: string;
  extractor: Extractor;
  history: HistoryCapability;
  signal: AbortSignal;
  /** The source's lease, taken with its lock: a backfill that lost the source commits nothing. */
  fence: SourceFence;
}

export interface BackfillOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Stopped by shutdown: the backfill stays `running` and the next process resumes it. */
  interrupted: boolean;
  totals: BatchCounts;
  message: string | null;
  errorClass: string | null;
  retries: number;
  waits: Waits;
}

/** One chunk's batches to commit, with the backfill's running totals (added into) and asset cache. */
export interface ChunkCommit {
  job: BackfillJob;
  chunk: PendingChunk;
  batches: AsyncIterable<ExtractedBatch>;
  totals: BatchCounts;
  resolvedAssets: ResolvedAssetCache;
}

/**
 * Runs a backfill's pending chunks in order through the batch processor (drift check, mapping,
 * identity, one transaction per batch) without touching the incremental checkpoint. A chunk is
 * marked done in the transaction of its last batch, and its quotes marked `backfill` in each batch's
 * own: after a crash the chunk is re-read (idempotent upserts: no duplicate) and the rest follow.
 */
@Injectable()
export class BackfillExecutor {
  constructor(
    private readonly config: AppConfig,
    private readonly batches: BatchProcessor,
    private readonly httpClients: HttpClientFactory,
    private readonly backfills: BackfillRepository,
    private readonly boundary: BatchBoundary,
    private readonly masker: SecretMasker,
  ) {}

  async run(job: BackfillJob): Promise<BackfillOutcome> {
    const source = job.extractor.sourceId;
    const log = new Logger(`backfill:${source}`);
    const http = this.httpClients.clientFor(source, log, job.signal);
    const totals: BatchCounts = { extracted: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, quarantined: 0 };
    const outcome = (status: BackfillOutcome['status'], err?: unknown): BackfillOutcome => ({
      status,
      interrupted: job.signal.aborted,
      totals,
      retries: http.usage.retries,
      waits: http.usage,
      message:
        err === undefined
          ? null
          : this.masker.mask(err instanceof Error ? err.message : 'backfill failed').slice(0, 2000),
      errorClass: err === undefined ? null : err instanceof Error ? err.name : 'Error',
    });
    try {
      const chunks = await this.backfills.pendingChunks(job.backfillId);
      const assets = new Map(
        (await this.backfills.knownAssets(source, [...new Set(chunks.map((c) => c.asset))])).map((a) => [
          a.sourceAssetId,
          a,
        ]),
      );
      const resolvedAssets = new ResolvedAssetCache();
      for (const chunk of chunks) {
        const asset = assets.get(chunk.asset) ?? {
          sourceAssetId: chunk.asset,
          symbol: chunk.asset.toUpperCase(),
          name: null,
        };
        const batches = job.history.extractRange({
          asset,
          from: chunk.from,
          to: chunk.to,
          signal: job.signal,
          http,
          logger: log,
          batchSize: this.config.etl.batchSize,
        });
        await this.commitChunk({ job, chunk, batches, totals, resolvedAssets });
      }
      return outcome('succeeded');
    } catch (err) {
      return outcome(err instanceof RunCancelledError ? 'cancelled' : 'failed', err);
    }
  }

  /** Reads one batch ahead, so the chunk's last batch is known and commits the chunk's completion. */
  private async commitChunk({ job, chunk, batches, totals, resolvedAssets }: ChunkCommit): Promise<void> {
    const source = job.extractor.sourceId;
    const iterator = batches[Symbol.asyncIterator]();
    let next = await iterator.next();
    if (next.done) {
      await this.backfills.markChunkDone(undefined, { backfillId: job.backfillId, chunk, runId: job.runId });
      return;
    }
    const adapter = historyExtractor(job.extractor, job.history);
    while (!next.done) {
      const batch = next.value;
      job.signal.throwIfAborted();
      const runStartedAt = new Date();
      const prepareContext = {
        extractor: adapter,
        stream: job.history.stream,
        runId: job.runId,
        resolvedAssets,
        runStartedAt,
      };
      const prepared = await this.batches.prepare(prepareContext, batch);
      const following = await iterator.next();
      await this.boundary.cross({
        source,
        runId: job.runId,
        extractedSoFar: totals.extracted,
        batchSize: batch.records.length,
      });
      const last = following.done === true;
      const { counts } = await this.batches.commit(
        sideRunBatchContext({
          ...prepareContext,
          sourceRunId: job.sourceRunId,
          fence: job.fence,
          alsoInTransaction: async (manager) => {
            await this.backfills.markProvenance(manager, { source, chunk, runId: job.runId });
            if (last) {
              await this.backfills.markChunkDone(manager, { backfillId: job.backfillId, chunk, runId: job.runId });
            }
          },
        }),
        prepared,
      );
      for (const k of Object.keys(totals) as Array<keyof BatchCounts>) totals[k] += counts[k];
      next = following;
    }
  }
}

/** The plugin seen through its history capability: the batch processor maps history records with it. */
function historyExtractor(extractor: Extractor, history: HistoryCapability): Extractor {
  return {
    sourceId: extractor.sourceId,
    streams: [history.stream],
    rateLimitPerMinute: extractor.rateLimitPerMinute,
    priority: extractor.priority,
    extract: () => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true as const, value: undefined }) }),
    }),
    map: (record) => history.map(record),
  };
}
