import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config.js';
import { FailureInjector, parseFailureInjection } from '../failure-injection.js';
import { RunCancelledError } from '../operations/operation-errors.js';
import { RunCancellationRepository } from '../operations/run-cancellation.repository.js';

/** A batch about to commit, as the boundary checks see it. */
export interface BatchCrossing {
  source: string;
  runId: string;
  /** Records the run has extracted before this batch. */
  extractedSoFar: number;
  batchSize: number;
}

/**
 * The checks every batch passes before it commits, in runs, replays and backfills alike: injected
 * failures (ETL_FAILURE_INJECTION), then a cancel request from any process.
 */
@Injectable()
export class BatchBoundary {
  private readonly injector: FailureInjector;

  constructor(
    config: AppConfig,
    private readonly cancellations: RunCancellationRepository,
  ) {
    this.injector = new FailureInjector(parseFailureInjection(config.etl.failureInjection));
  }

  /** Throws InjectedFailureError or RunCancelledError when the batch must not commit. */
  async cross({ source, runId, extractedSoFar, batchSize }: BatchCrossing): Promise<void> {
    this.injector.check(source, extractedSoFar, batchSize);
    if (await this.cancellations.isCancelRequested(runId)) throw new RunCancelledError(runId);
  }
}
