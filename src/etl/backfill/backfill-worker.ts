import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config.js';
import { EtlRunner } from '../etl-runner.service.js';
import { SourceRegistry } from '../registry/source-registry.service.js';
import { RunRecovery } from '../runner/run-recovery.service.js';
import type { SourceLock } from '../source-lock.js';
import { BackfillExecutor } from './backfill-executor.js';
import { BackfillRuns } from './backfill-runs.js';

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
    private readonly config: AppConfig,
    private readonly registry: SourceRegistry,
    private readonly runner: EtlRunner,
    private readonly recovery: RunRecovery,
    private readonly backfills: BackfillRuns,
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
      const lock = await this.recovery.tryLockSource(source);
      if (!lock) {
        busy = true;
        continue;
      }
      try {
        await this.recovery.abandonStaleRuns(lock, source);
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

  private async execute({
    backfillId,
    source,
    lock,
  }: {
    backfillId: string;
    source: string;
    lock: SourceLock;
  }): Promise<void> {
    const extractor = this.registry.get(source);
    if (!extractor?.history) {
      await this.backfills.reject(backfillId, `source "${source}" is not installed here or has no history capability`);
      return;
    }
    const run = await this.backfills.open({ backfillId, source, lock, instanceId: this.runner.instanceId });
    const { runId, sourceRunId, fence } = run;
    const job = {
      backfillId,
      runId,
      sourceRunId,
      extractor,
      history: extractor.history,
      signal: this.shutdown.signal,
      fence,
    };
    const outcome = await this.executor.run(job);
    // Interrupted by shutdown: left `running`, resumed by the next process that takes the source.
    const status = await this.backfills.close({ ...run, backfillId, outcome });
    this.logger.log({ backfillId, runId, source, status }, 'backfill run finished');
  }
}
