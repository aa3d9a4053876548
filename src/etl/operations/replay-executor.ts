import { Injectable } from '@nestjs/common';
import { ResolvedAssetCache } from '../../catalog/resolved-asset-cache.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { BatchBoundary } from '../batch/batch-boundary.service.js';
import { sideRunBatchContext } from '../batch/side-run-batch.js';
import { BatchProcessor, type PreparedBatch } from '../batch-processor.service.js';
import type { SourceFence } from '../checkpoint/source-lease.repository.js';
import type { Extractor } from '../extractor/extractor.interface.js';
import { contentHash } from '../hashing.js';
import type { BatchCounts } from '../ledger/batch-counts.js';
import { QuarantineReplayRepository, type OpenQuarantineRow } from './quarantine-replay.repository.js';
import { replayChunks, replayKey } from './replay-chunks.js';

export interface ReplayJob {
  extractor: Extractor;
  runId: string;
  sourceRunId: string;
  rows: OpenQuarantineRow[];
  /** The source's lease, taken with its lock: a replay that lost the source commits nothing. */
  fence: SourceFence;
}

/**
 * Feeds quarantined payloads back through the batch processor, so today's drift rules, value checks,
 * mappers and identity resolution decide, exactly as for a fresh run. Each batch commits its loaded
 * rows and marks them resolved in one transaction: a crash leaves every row either loaded and
 * resolved, or open for the next replay. The incremental cursor never moves.
 */
@Injectable()
export class ReplayExecutor {
  constructor(
    private readonly config: AppConfig,
    private readonly batches: BatchProcessor,
    private readonly quarantine: QuarantineReplayRepository,
    private readonly boundary: BatchBoundary,
  ) {}

  async replay(job: ReplayJob): Promise<BatchCounts> {
    const totals: BatchCounts = { extracted: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, quarantined: 0 };
    const resolvedAssets = new ResolvedAssetCache();
    const runStartedAt = new Date();
    for (const stream of job.extractor.streams) {
      const rows = job.rows.filter((r) => r.stream === stream.name);
      for (const chunk of replayChunks(rows, this.config.etl.batchSize)) {
        const prepareContext = { extractor: job.extractor, stream, runId: job.runId, resolvedAssets, runStartedAt };
        const prepared = await this.batches.prepare(prepareContext, {
          stream: stream.name,
          records: chunk.map((r) => ({ naturalKey: replayKey(r), payload: r.payload })),
          cursor: {},
        });
        await this.boundary.cross({
          source: job.extractor.sourceId,
          runId: job.runId,
          extractedSoFar: totals.extracted,
          batchSize: chunk.length,
        });
        const resolved = resolvedIds(chunk, prepared);
        const { counts } = await this.batches.commit(
          sideRunBatchContext({
            ...prepareContext,
            sourceRunId: job.sourceRunId,
            fence: job.fence,
            alsoInTransaction: (manager) => this.quarantine.markResolved(manager, resolved, job.runId),
          }),
          prepared,
        );
        for (const k of Object.keys(totals) as Array<keyof BatchCounts>) totals[k] += counts[k];
      }
    }
    return totals;
  }
}

/**
 * The rows of a chunk that passed. Rows that still fail keep their entry: their re-quarantined copy
 * carries the entry's stored hash (the payload read back from jsonb may serialise differently), so it
 * updates the entry (reason, run, last seen) instead of adding a second one.
 */
function resolvedIds(chunk: OpenQuarantineRow[], prepared: PreparedBatch): string[] {
  const failingHashes = new Set(prepared.quarantined.map((q) => q.payloadHash));
  const failing = new Set(chunk.filter((r) => failingHashes.has(contentHash(r.payload))).map((r) => r.id));
  const byPayload = new Map<unknown, OpenQuarantineRow>(chunk.map((r) => [r.payload, r]));
  for (const q of prepared.quarantined) {
    const entry = byPayload.get(q.payload);
    if (entry) q.payloadHash = entry.payloadHash;
  }
  return chunk.filter((r) => !failing.has(r.id)).map((r) => r.id);
}
