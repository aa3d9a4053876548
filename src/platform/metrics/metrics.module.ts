import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { METRIC_PROVIDERS } from './etl.metrics.js';
import { MetricsController } from './metrics.controller.js';
import { LedgerMetricsCollector } from './ledger/ledger-metrics.collector.js';
import { LedgerSummaryRepository } from './ledger/ledger-summary.repository.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({
  imports: [
    PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true } }),
  ],
  providers: [...METRIC_PROVIDERS, LedgerSummaryRepository, LedgerMetricsCollector, MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
