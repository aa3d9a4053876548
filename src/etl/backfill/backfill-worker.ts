import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { EtlRunner } from '../etl-runner.service.js';
import { SourceRegistry } from '../registry/source-registry.service.js';
import { RunLedgerRepository, type RunStatus } from '../ledger/run-ledger.repository.js';
import { SourceLock } from '../source-lock.js';
import { BackfillExecutor } from './backfill-executor.js';
import { BackfillRepository } from './backfill.repository.js';

const RETRY_BUSY_MS = 5_000;

/**
 * Executes queued backfills and resumes interrupted ones, one source at a time under the source's
 * lock (the same lock as its runs: a backfill never overlaps a run of its source, and shares its
 * rate limit). Holding the lock proves a `running` backfill's previous process is gone, so it is
 * resumed at its first chunk not committed. Kicked by every backfill request and at the boot of a
 * process that runs the ETL.
 */
@Injectable()
export class BackfillWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BackfillWorker.name);
  private readonly shutdown = new AbortController();
  private working: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly registry: SourceRegistry,
    private readonly runner: EtlRunner,
    private readonly ledger: RunLedgerRepository,
    private readonly backfills: BackfillRepository,
    private readonly executor: BackfillExecutor,
  ) {}

  onApplicationBootstrap(): void {
    const runsEtl = this.config.appRole !== 'api' && (this.config.etl.schedulerEnabled || this.config.etl.runOnStart);
    if (runsEtl) void this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.shutdown.abort(new Error('service shutting down'));
    await this.working;
  }

  /** Processes every pending backfill; settles when none is left that this process could take. */
  kick(): Promise<void> {
    if (this.working) {
      this.again = true;
      return this.working;
    }
    this.working = (async () => {
      do {
        this.again = false;
        await this.drain();
      } while (this.again && !this.shutdown.signal.aborted);
    })().finally(() => (this.working = undefined));
    return this.working;
  }

  private async drain(): Promise<void> {
    let busy = false;
    for (const source of await this.backfills.sourcesWithPendingBackfills()) {
      if (this.shutdown.signal.aborted) return;
      if (this.runner.isRunning(source)) {
        busy = true;
        continue;
      }
      const lock = await SourceLock.tryAcquire(this.dataSource, source);
      if (!lock) {
        busy = true;
        continue;
      }
      try {
        await this.ledger.abandonStaleSourceRuns(lock.queryRunner, source);
        for (const { id } of await this.backfills.pendingBackfills(source)) {
          if (this.shutdown.signal.aborted) return;
          await this.execute({ backfillId: id, source, lock });
        }
      } finally {
        await lock.release();
      }
    }
    if (busy && !this.shutdown.signal.aborted) {
      // The source is running (a run or another process's backfill): try again a little later.
      this.retryTimer = setTimeout(() => void this.kick(), RETRY_BUSY_MS);
      this.retryTimer.unref();
    }
  }

  private async execute({ backfillId, source, lock }: { backfillId: string; source: string; lock: SourceLock }): Promise<void> {
    const extractor = this.registry.get(source);
    if (!extractor?.history) {
      await this.backfills.finish(backfillId, 'failed', `source "${source}" is not installed here or has no history capability`);
      return;
    }
    const runId = await this.ledger.createRun('backfill', [source], this.runner.instanceId);
    // A lease per backfill run: a backfill that lost its source (lock connection gone) commits nothing.
    const fence = await lock.takeLease(this.runner.instanceId);
    const sourceRunId = await this.ledger.createSourceRun({ runId, source, instanceId: this.runner.instanceId, status: 'running', cursorBefore: null });
    await lock.recordLeaseOwner(fence, sourceRunId);
    await this.backfills.markRunning(backfillId, runId);
    const job = { backfillId, runId, sourceRunId, extractor, history: extractor.history, signal: this.shutdown.signal, fence };
    const outcome = await this.executor.run(job);
    const status: RunStatus = outcome.status;
    await this.ledger.finishSourceRun(sourceRunId, {
      status, cursorAfter: null, errorClass: outcome.errorClass, errorMessage: outcome.message, schemaFingerprint: null,
      retries: outcome.retries, waits: outcome.waits,
    }).catch((err: unknown) => this.logger.error({ err, runId }, 'could not record the end of the backfill run'));
    await this.ledger.finishRun(runId, status).catch((err: unknown) => this.logger.error({ err, runId }, 'could not close the backfill run'));
    // Interrupted by shutdown: left `running`, resumed by the next process that takes the source.
    if (!outcome.interrupted) await this.backfills.finish(backfillId, status === 'succeeded' ? 'succeeded' : status === 'cancelled' ? 'cancelled' : 'failed', outcome.message);
    this.logger.log({ backfillId, runId, source, status }, 'backfill run finished');
  }
}
