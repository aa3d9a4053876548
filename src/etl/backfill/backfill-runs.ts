import { Injectable, Logger } from '@nestjs/common';
import type { SourceFence } from '../checkpoint/source-lease.repository.js';
import { RunLedgerRepository, type RunStatus } from '../ledger/run-ledger.repository.js';
import type { SourceLock } from '../source-lock.js';
import type { BackfillOutcome } from './backfill-executor.js';
import { BackfillRepository } from './backfill.repository.js';

/** A backfill about to execute, under its source's lock. */
export interface BackfillStart {
  backfillId: string;
  source: string;
  lock: SourceLock;
  /** The process executing it (EtlRunner.instanceId). */
  instanceId: string;
}

/** The ledger run a backfill executes in. */
export interface BackfillRun {
  runId: string;
  sourceRunId: string;
  fence: SourceFence;
}

export interface BackfillEnd extends BackfillRun {
  backfillId: string;
  outcome: BackfillOutcome;
}

/** The queue of backfills and the ledger runs that execute them. */
@Injectable()
export class BackfillRuns {
  private readonly logger = new Logger(BackfillRuns.name);

  constructor(
    private readonly ledger: RunLedgerRepository,
    private readonly backfills: BackfillRepository,
  ) {}

  sourcesWithPendingBackfills(): Promise<string[]> {
    return this.backfills.sourcesWithPendingBackfills();
  }

  pendingBackfills(source: string): Promise<Array<{ id: string }>> {
    return this.backfills.pendingBackfills(source);
  }

  /** A backfill that cannot execute here ends failed, with why. */
  reject(backfillId: string, message: string): Promise<void> {
    return this.backfills.finish(backfillId, 'failed', message);
  }

  /** Opens the backfill's run in the ledger, with a lease of its own, and marks the backfill running. */
  async open({ backfillId, source, lock, instanceId }: BackfillStart): Promise<BackfillRun> {
    const runId = await this.ledger.createRun('backfill', [source], instanceId);
    // A lease per backfill run: a backfill that lost its source (lock connection gone) commits nothing.
    const fence = await lock.takeLease(instanceId);
    const sourceRunId = await this.ledger.createSourceRun({
      runId,
      source,
      instanceId,
      status: 'running',
      cursorBefore: null,
    });
    await lock.recordLeaseOwner(fence, sourceRunId);
    await this.backfills.markRunning(backfillId, runId);
    return { runId, sourceRunId, fence };
  }

  /** Closes the run; the backfill ends too unless shutdown interrupted it (the next process resumes it). */
  async close({ backfillId, runId, sourceRunId, outcome }: BackfillEnd): Promise<RunStatus> {
    const status: RunStatus = outcome.status;
    await this.ledger
      .finishSourceRun(sourceRunId, {
        status,
        cursorAfter: null,
        errorClass: outcome.errorClass,
        errorMessage: outcome.message,
        schemaFingerprint: null,
        retries: outcome.retries,
        waits: outcome.waits,
      })
      .catch((err: unknown) => this.logger.error({ err, runId }, 'could not record the end of the backfill run'));
    await this.ledger
      .finishRun(runId, status)
      .catch((err: unknown) => this.logger.error({ err, runId }, 'could not close the backfill run'));
    if (!outcome.interrupted) {
      await this.backfills.finish(
        backfillId,
        status === 'succeeded' ? 'succeeded' : status === 'cancelled' ? 'cancelled' : 'failed',
        outcome.message,
      );
    }
    return status;
  }
}
