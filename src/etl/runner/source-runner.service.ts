import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-errors.js';
import { CheckpointService } from '../checkpoint/checkpoint.service.js';
import { SourceLeaseLostError } from '../checkpoint/source-lease-lost.error.js';
import type { EtlEvent } from '../etl-events.js';
import type { Extractor } from '../extractor/extractor.interface.js';
import type { RunStatus } from '../ledger/run-ledger.repository.js';
import { RunCancelledError } from '../operations/operation-errors.js';
import { HttpClientFactory } from '../http-client/http-client.factory.js';
import type { SourceLock } from '../source-lock.js';
import { RunRecovery } from './run-recovery.service.js';
import { SourceBatchLoop } from './source-batch-loop.service.js';
import { errorClass, SourceRunRecorder, type SourceRunResult } from './source-run-recorder.service.js';
import { ZERO_COUNTS, type SourceRunState } from './source-run-state.js';

/** One source of a run, to execute. */
export interface SourceRunRequest {
  runId: string;
  extractor: Extractor;
  /** The process running it (EtlRunner.instanceId): the ledger and the lease name it. */
  instanceId: string;
  /** Aborted on shutdown: the current batch commits or rolls back, then the source run ends. */
  signal: AbortSignal;
  emit: (event: EtlEvent) => void;
}

/**
 * Runs one source of a run under its advisory lock and lease, batch by batch, and records how it
 * ended. Never throws: a failure ends the source run with its status and message.
 */
@Injectable()
export class SourceRunner {
  private readonly logger = new Logger(SourceRunner.name);

  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly httpClients: HttpClientFactory,
    private readonly recovery: RunRecovery,
    private readonly loop: SourceBatchLoop,
    private readonly recorder: SourceRunRecorder,
  ) {}

  async run(request: SourceRunRequest): Promise<SourceRunResult> {
    const { runId, extractor, instanceId, signal, emit } = request;
    const source = extractor.sourceId;
    const ofRun = { runId, source, instanceId };
    const started = Date.now();
    let lock: SourceLock | undefined;
    try {
      lock = await this.recovery.tryLockSource(source);
    } catch (err) {
      return this.recorder.unstartable(ofRun, err);
    }
    if (!lock) return this.recorder.skipped(ofRun);
    let sourceRunId: string | undefined;
    const log = new Logger(`etl:${source}`);
    const http = this.httpClients.clientFor(source, log, signal);
    const state: SourceRunState = { cursors: new Map(), totals: { ...ZERO_COUNTS }, fingerprint: null };
    let status: RunStatus = 'succeeded';
    let error: unknown;
    try {
      await this.recovery.abandonStaleRuns(lock, source);
      // The lease before the checkpoints: a previous owner's batch still in flight commits first or not at all.
      const fence = await lock.takeLease(instanceId);
      state.cursors = await this.checkpoints.load(source);
      sourceRunId = await this.recorder.started(ofRun, state.cursors);
      await lock.recordLeaseOwner(fence, sourceRunId);
      emit({ type: 'source_started', runId, source });
      await this.loop.run({
        extractor,
        runId,
        sourceRunId,
        fence,
        http,
        logger: log,
        signal,
        state,
        startedAtMs: started,
        emit,
      });
    } catch (err) {
      error = err;
      status =
        err instanceof SourceLeaseLostError
          ? 'abandoned'
          : err instanceof RunCancelledError
            ? 'cancelled'
            : err instanceof DomainError && err.classification === 'rate_limited'
              ? 'rate_limited'
              : 'failed';
    }
    const message = error ? this.recorder.describeError(error, signal.aborted) : null;
    if (error) {
      this.logger.error(
        { runId, source, status, error: message, errorClass: errorClass(error) },
        'source run ended with an error',
      );
    }
    try {
      if (sourceRunId) {
        await this.recorder.ended({
          sourceRunId,
          status,
          cursors: state.cursors,
          error,
          message,
          fingerprint: state.fingerprint,
          retries: http.usage.retries,
          waits: http.usage,
        });
      }
    } catch (err) {
      this.logger.error({ err, runId, source }, 'could not record the end of the source run');
    } finally {
      await lock.release();
    }
    const durationMs = Date.now() - started;
    this.recorder.finished(source, status, durationMs);
    const totals = state.totals;
    emit({ type: 'source_finished', runId, source, status, totals: { ...totals }, durationMs, error: message });
    return { status, totals, error: message };
  }
}
