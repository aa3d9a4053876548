import { Module, type OnModuleInit } from '@nestjs/common';
import { CatalogModule } from '../../catalog/catalog.module.js';
import { EtlModule } from '../../etl/etl.module.js';
import { QuoteWriteSteps } from '../../etl/load/quote-write-steps.js';
import { LatestQuotesStep } from './latest-quotes.step.js';
import { PriceEventsHub } from './price-events.hub.js';
import { PriceEventsRepository } from './price-events.repository.js';
import { PriceEventsStep } from './price-events.step.js';
import { PriceStreamController } from './price-stream.controller.js';
import { PriceStreamService } from './price-stream.service.js';
import { PricesController } from './prices.controller.js';
import { PricesRepository } from './prices.repository.js';
import { PricesService } from './prices.service.js';

/** Latest prices (GET /prices), their state kept with each batch, and the live stream (GET /stream/prices). */
@Module({
  imports: [CatalogModule, EtlModule],
  controllers: [PricesController, PriceStreamController],
  providers: [
    PricesRepository,
    PricesService,
    LatestQuotesStep,
    PriceEventsRepository,
    PriceEventsStep,
    PriceEventsHub,
    PriceStreamService,
  ],
})
export class PricesModule implements OnModuleInit {
  constructor(
    private readonly steps: QuoteWriteSteps,
    private readonly latestQuotes: LatestQuotesStep,
    private readonly priceEvents: PriceEventsStep,
  ) {}

  /** latest-quotes first: the price events read the state it leaves. */
  onModuleInit(): void {
    this.steps.register(this.latestQuotes);
    this.steps.register(this.priceEvents);
  }
}
