import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { consolidate } from '../assets/consolidated-view.js';
import { LatestQuotesRepository } from '../../catalog/latest-quotes.repository.js';
import { AppConfig } from '../../platform/config/app-config.js';
import type { QuoteWriteStep, WrittenQuotes } from '../../etl/load/quote-write-steps.js';
import { PriceEventsRepository } from './price-events.repository.js';
import { toSourcePrices } from './price-view.js';

/**
 * Publishes the price stream's events from the batch's transaction (after latest-quotes): an event
 * per asset of the batch whose consensus moved, and a NOTIFY that PostgreSQL delivers on commit only,
 * so a rolled-back batch never produces an event. Old events are pruned here too.
 */
@Injectable()
export class PriceEventsStep implements QuoteWriteStep {
  readonly name = 'price-events';

  constructor(
    private readonly latestQuotes: LatestQuotesRepository,
    private readonly events: PriceEventsRepository,
    private readonly config: AppConfig,
  ) {}

  async afterQuotesWritten(manager: EntityManager, written: WrittenQuotes): Promise<void> {
    const assetIds = [...new Set(written.quotes.map((q) => q.assetId))];
    await this.events.lockPublishing(manager);
    const asOf = new Date();
    const budgetSeconds = this.config.etl.freshnessBudgetSeconds;
    const consensus = await this.latestQuotes.consensus(
      { assetIds, asOf, freshnessSeconds: budgetSeconds, divergencePct: this.config.etl.priceDivergencePct },
      manager,
    );
    const candidates = assetIds.map((assetId) => {
      const view = consolidate(consensus.get(assetId), asOf, budgetSeconds);
      return {
        assetId,
        consensusPriceUsd: view.consensus_price_usd,
        sources: toSourcePrices(view.latest),
        observedAt: view.freshest_at,
      };
    });
    await this.events.publishMoved(manager, candidates);
    await this.events.prune(manager, this.config.priceStream.retentionSeconds);
  }
}
