import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QuoteRollupsRepository } from '../../catalog/quote-rollups.repository.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { QuoteWriteSteps, type QuoteWriteStep, type WrittenQuotes } from '../load/quote-write-steps.js';

/**
 * Keeps quote_rollups (1h, 1d) in each batch's transaction: the buckets holding the batch's
 * quotes are recomputed as a whole from market_quotes, so an insert, an in-place correction, a
 * re-read of unchanged quotes and a batch out of time order all leave the same rows.
 */
@Injectable()
export class QuoteRollupsStep implements QuoteWriteStep, OnModuleInit {
  readonly name = 'quote-rollups';
  private readonly logger = new Logger(QuoteRollupsStep.name);

  constructor(
    private readonly steps: QuoteWriteSteps,
    private readonly rollups: QuoteRollupsRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.etl.rollupsEnabled) {
      this.logger.warn(
        'ETL_ROLLUPS_ENABLED=false: batches do not maintain quote_rollups (rebuild with `etl rollups --rebuild`)',
      );
      return;
    }
    this.steps.register(this);
  }

  async afterQuotesWritten(manager: EntityManager, written: WrittenQuotes): Promise<void> {
    await this.rollups.refreshBuckets(manager, {
      source: written.source,
      assetIds: written.quotes.map((q) => q.assetId),
      observedAt: written.quotes.map((q) => q.observedAt),
    });
  }
}
