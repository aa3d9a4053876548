import { Injectable, Logger } from '@nestjs/common';
import { NewsLinker } from '../../catalog/news-linker.service.js';
import { AnomalyService } from '../ledger/anomaly.service.js';
import { RunLedgerRepository, type RunStatus } from '../ledger/run-ledger.repository.js';

/** A run whose sources have all ended. */
export interface FinishedRun {
  runId: string;
  status: RunStatus;
  /** The process that ran it: its runs left open by earlier crashes are closed too. */
  instanceId: string;
  /** Some source wrote rows: recent news is re-linked to assets that may have appeared. */
  wroteRows: boolean;
}

/** What follows the last source of a run: orphaned runs closed, anomalies evaluated, news re-linked, the run closed. */
@Injectable()
export class RunFinisher {
  private readonly logger = new Logger(RunFinisher.name);

  constructor(
    private readonly ledger: RunLedgerRepository,
    private readonly anomalies: AnomalyService,
    private readonly newsLinker: NewsLinker,
  ) {}

  /** Every step logs its failure and the next still runs. */
  async finish({ runId, status, instanceId, wroteRows }: FinishedRun): Promise<void> {
    await this.ledger
      .closeOrphanedRuns(instanceId)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not close orphaned runs'));
    await this.anomalies
      .evaluateRun(runId)
      .catch((err: unknown) => this.logger.warn({ err, runId }, 'could not evaluate run anomalies'));
    if (wroteRows) {
      await this.newsLinker
        .relinkRecent()
        .catch((err: unknown) => this.logger.warn({ err, runId }, 'could not re-link recent news'));
    }
    await this.ledger
      .finishRun(runId, status)
      .catch((err: unknown) => this.logger.error({ err, runId }, 'could not close the run'));
  }
}
