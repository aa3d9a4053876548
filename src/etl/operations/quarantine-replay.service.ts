import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SourcesBusyError } from '../errors.js';
import { EtlRunner } from '../etl-runner.service.js';
import { SourceRegistry } from '../registry/source-registry.service.js';
import { RunLedgerRepository, type RunStatus } from '../ledger/run-ledger.repository.js';
import type { SourceFence } from '../checkpoint/source-lease.repository.js';
import { SourceLock } from '../source-lock.js';
import { QuarantineEntriesNotOpenError, RunCancelledError, UnknownSourceIdError } from './operation-errors.js';
import { QuarantineReplayRepository } from './quarantine-replay.repository.js';
import { ReplayExecutor } from './replay-executor.js';

export interface ReplayRequest {
  source: string;
  /** Quarantine entry ids to replay (default: every open entry of the source). */
  ids?: string[];
}

export interface ReplayHandle {
  run_id: string;
  replayed: number;
  /** Settles with the run's final status when the replay ends (never rejects). */
  done: Promise<RunStatus>;
}

const NO_WAITS = { rateLimitWaitMs: 0, backoffWaitMs: 0, retryAfterWaitMs: 0 };

/**
 * Replays a source's open quarantine entries as a run of its own (trigger `replay`, in the ledger
 * and /runs like any run), under the source's lock: never alongside a run of the same source.
 */
@Injectable()
export class QuarantineReplayService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QuarantineReplayService.name);
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: SourceRegistry,
    private readonly runner: EtlRunner,
    private readonly ledger: RunLedgerRepository,
    private readonly quarantine: QuarantineReplayRepository,
    private readonly executor: ReplayExecutor,
  ) {}

  async start(request: ReplayRequest): Promise<ReplayHandle> {
    const extractor = this.registry.get(request.source);
    if (!extractor) throw new UnknownSourceIdError(request.source, this.registry.ids(), 'field');
    if (this.runner.isRunning(request.source)) throw new SourcesBusyError([request.source], 'operation');
    const lock = await SourceLock.tryAcquire(this.dataSource, request.source);
    if (!lock) throw new SourcesBusyError([request.source], 'operation');
    let runId: string;
    let sourceRunId: string;
    let fence: SourceFence;
    let rows: Awaited<ReturnType<QuarantineReplayRepository['findOpen']>>;
    try {
      const ids = request.ids && [...new Set(request.ids)];
      // The lease before reading: a previous owner's batch still in flight commits first or not at all.
      fence = await lock.takeLease(this.runner.instanceId);
      rows = await this.quarantine.findOpen(request.source, ids);
      const missing = ids?.filter((id) => !rows.some((r) => r.id === id)) ?? [];
      if (missing.length > 0) throw new QuarantineEntriesNotOpenError(request.source, missing);
      runId = await this.ledger.createRun('replay', [request.source], this.runner.instanceId);
      sourceRunId = await this.ledger.createSourceRun({
        runId,
        source: request.source,
        instanceId: this.runner.instanceId,
        status: 'running',
        cursorBefore: null,
      });
      await lock.recordLeaseOwner(fence, sourceRunId);
    } catch (err) {
      await lock.release();
      throw err;
    }
    const done = this.execute({ lock, runId, sourceRunId, extractor, rows, fence });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return { run_id: runId, replayed: rows.length, done };
  }

  /** A replay in progress ends (its current batch commits or rolls back) before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async execute(job: Parameters<ReplayExecutor['replay']>[0] & { lock: SourceLock }): Promise<RunStatus> {
    let status: RunStatus = 'succeeded';
    let error: unknown;
    try {
      const totals = await this.executor.replay(job);
      this.logger.log({ runId: job.runId, source: job.extractor.sourceId, ...totals }, 'quarantine replay finished');
    } catch (err) {
      error = err;
      status = err instanceof RunCancelledError ? 'cancelled' : 'failed';
      this.logger.error(
        { runId: job.runId, source: job.extractor.sourceId, err },
        'quarantine replay ended with an error',
      );
    }
    try {
      const message =
        error === undefined ? null : (error instanceof Error ? error.message : 'replay failed').slice(0, 2000);
      await this.ledger.finishSourceRun(job.sourceRunId, {
        status,
        cursorAfter: null,
        errorClass: error instanceof Error ? error.name : error ? 'Error' : null,
        errorMessage: message,
        schemaFingerprint: null,
        retries: 0,
        waits: NO_WAITS,
      });
      await this.ledger.finishRun(job.runId, status);
    } catch (err) {
      this.logger.error({ err, runId: job.runId }, 'could not record the end of the replay');
    } finally {
      await job.lock.release();
    }
    return status;
  }
}
