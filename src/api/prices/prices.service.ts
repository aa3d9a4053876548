import { Injectable } from '@nestjs/common';
import { consolidate } from '../assets/consolidated-view.js';
import { LatestQuotesRepository } from '../../catalog/latest-quotes.repository.js';
import { AppConfig } from '../../platform/config/app-config.js';
import type { PriceItemDto } from './dto/prices.dto.js';
import type { PriceSelection } from './price-selection.js';
import { PricesRepository, type PricedAssetRow } from './prices.repository.js';
import { toPriceItem } from './price-view.js';

export interface LatestPrices {
  items: PriceItemDto[];
  /** What the request named that matches no asset. */
  notFound: string[];
}

/** Latest prices of many assets in two reads (the assets, then latest_quotes): no history is scanned. */
@Injectable()
export class PricesService {
  constructor(
    private readonly prices: PricesRepository,
    private readonly latestQuotes: LatestQuotesRepository,
    private readonly config: AppConfig,
  ) {}

  async latest(selection: PriceSelection, asOf = new Date()): Promise<LatestPrices> {
    const requested = selection.symbols ?? selection.assetIds;
    const assets: PricedAssetRow[] = selection.symbols
      ? await this.prices.assetsBySymbols(selection.symbols)
      : await this.prices.assetsByIds(selection.assetIds);
    const found = new Set(assets.map((a) => a.requested));
    // Two requested ids can be one asset (an absorbed id and its survivor): it is listed once.
    const unique = [...new Map(assets.map((a) => [a.id, a])).values()];
    const budgetSeconds = this.config.etl.freshnessBudgetSeconds;
    const consensus = await this.latestQuotes.consensus({
      assetIds: unique.map((a) => a.id),
      asOf,
      freshnessSeconds: budgetSeconds,
      divergencePct: this.config.etl.priceDivergencePct,
    });
    return {
      items: unique.map((a) => toPriceItem(a, consolidate(consensus.get(a.id), asOf, budgetSeconds))),
      notFound: requested.filter((r) => !found.has(r)),
    };
  }
}
