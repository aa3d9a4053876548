import { Injectable, type LoggerService } from '@nestjs/common';
import { ResolvedAssetCache } from '../../catalog/resolved-asset-cache.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { BatchProcessor, CopyFirstPolicies } from '../batch-processor.service.js';
import { BatchBoundary } from '../batch/batch-boundary.service.js';
import type { SourceFence } from '../checkpoint/source-lease.repository.js';
import type { EtlEvent } from '../etl-events.js';
import type { Extractor } from '../extractor/extractor.interface.js';
import { readAhead } from '../read-ahead.js';
import type { RetryingHttpClient } from '../http-client/source-http-client.js';
import { addInto, type SourceRunState } from './source-run-state.js';

/** One source run's extraction, with everything its batches commit under. */
export interface SourceBatches {
  extractor: Extractor;
  runId: string;
  sourceRunId: string;
  fence: SourceFence;
  http: RetryingHttpClient;
  logger: LoggerService;
  signal: AbortSignal;
  /** Updated after every committed batch. */
  state: SourceRunState;
  /** When the source run started (Date.now()), for the events' elapsed time. */
  startedAtMs: number;
  emit: (event: EtlEvent) => void;
}

/**
 * Extracts a source's streams and commits them batch by batch: batch N+1 is prepared while batch N
 * commits, and every batch passes the BatchBoundary checks before its transaction.
 */
@Injectable()
export class SourceBatchLoop {
  constructor(
    private readonly config: AppConfig,
    private readonly batches: BatchProcessor,
    private readonly boundary: BatchBoundary,
    private readonly metrics: MetricsService,
  ) {}

  async run(job: SourceBatches): Promise<void> {
    const { extractor, runId, sourceRunId, fence, http, signal, state } = job;
    const source = extractor.sourceId;
    const cursors = state.cursors;
    const totals = state.totals;
    const runStartedAt = new Date();
    const resolvedAssets = new ResolvedAssetCache();
    const copyFirst = new CopyFirstPolicies();
    const streams = new Map(extractor.streams.map((s) => [s.name, s]));
    const batches = extractor.extract({
      cursor: (stream) => cursors.get(stream),
      signal,
      http,
      logger: job.logger,
      runStartedAt,
      batchSize: this.config.etl.batchSize,
      lookbackSeconds: this.config.etl.lookbackSeconds,
    });
    const prepared = readAhead(batches, async (batch) => {
      const stream = streams.get(batch.stream);
      if (!stream) throw new Error(`${source} yielded a batch for undeclared stream "${batch.stream}"`);
      const prepareContext = { extractor, stream, runId, runStartedAt, resolvedAssets };
      return { stream, prepared: await this.batches.prepare(prepareContext, batch) };
    });
    for await (const { stream, prepared: next } of prepared) {
      signal.throwIfAborted();
      const batch = next.batch;
      // The batch boundary: a cancel request (from any process) stops here, before this batch commits.
      await this.boundary.cross({ source, runId, extractedSoFar: totals.extracted, batchSize: batch.records.length });
      const previousCursor = cursors.get(batch.stream);
      const ctx = {
        extractor,
        stream,
        runId,
        sourceRunId,
        runStartedAt,
        previousCursor,
        fence,
        resolvedAssets,
        copyFirst,
      };
      const result = await this.batches.commit(ctx, next);
      cursors.set(batch.stream, result.cursor);
      state.fingerprint = result.fingerprint;
      addInto(totals, result.counts);
      this.metrics.recordOutcomes(source, batch.stream, result.counts);
      for (const f of result.findings) this.metrics.driftDetected(source, f.kind);
      job.emit({
        type: 'batch_committed',
        runId,
        source,
        stream: batch.stream,
        counts: result.counts,
        totals: { ...totals },
        retries: http.usage.retries,
        elapsedMs: Date.now() - job.startedAtMs,
      });
    }
  }
}
