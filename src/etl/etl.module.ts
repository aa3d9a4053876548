import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { PartitionsModule } from '../catalog/partitions/partitions.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { CountersModule } from '../catalog/counters/counters.module.js';
import { AnomalyService } from './ledger/anomaly.service.js';
import { RunsRepository } from './ledger/runs.repository.js';
import { BackfillController } from './backfill/backfill.controller.js';
import { BackfillExecutor } from './backfill/backfill-executor.js';
import { BackfillRepository } from './backfill/backfill.repository.js';
import { BackfillService } from './backfill/backfill.service.js';
import { BackfillWorker } from './backfill/backfill-worker.js';
import { BackfillRuns } from './backfill/backfill-runs.js';
import { BatchProcessor } from './batch-processor.service.js';
import { BatchBoundary } from './batch/batch-boundary.service.js';
import { BatchBookkeeping } from './batch/batch-bookkeeping.service.js';
import { BatchPreparer } from './batch/batch-preparer.service.js';
import { BatchRowWriter } from './batch/batch-row-writer.service.js';
import { BatchWriter } from './batch/batch-writer.service.js';
import { NewsRowsWriter } from './batch/news-rows-writer.service.js';
import { QuoteRowsWriter } from './batch/quote-rows-writer.service.js';
import { CheckpointRepository } from './checkpoint/checkpoint.repository.js';
import { CheckpointService } from './checkpoint/checkpoint.service.js';
import { DriftRepository } from './drift/drift.repository.js';
import { DriftService } from './drift/drift.service.js';
import { EtlController } from './etl.controller.js';
import { EtlScheduler } from './etl.scheduler.js';
import { EtlRunner } from './etl-runner.service.js';
import { SourceRegistry } from './registry/source-registry.service.js';
import { RunLedgerRepository } from './ledger/run-ledger.repository.js';
import { MarketQuotesRepository } from './load/market-quotes.repository.js';
import { NewsItemsRepository } from './load/news-items.repository.js';
import { QuoteWriteSteps } from './load/quote-write-steps.js';
import { CheckpointResetRepository } from './operations/checkpoint-reset.repository.js';
import { QuarantineReplayRepository } from './operations/quarantine-replay.repository.js';
import { QuarantineReplayService } from './operations/quarantine-replay.service.js';
import { ReplayExecutor } from './operations/replay-executor.js';
import { RunCancellationRepository } from './operations/run-cancellation.repository.js';
import { StreamOperationsController } from './operations/stream-operations.controller.js';
import { StreamOperationsService } from './operations/stream-operations.service.js';
import { QuarantineRepository } from './quarantine/quarantine.repository.js';
import { RawRecordRepository } from './raw/raw-record.repository.js';
import { HttpClientFactory } from './http-client/http-client.factory.js';
import { RateLimitRegistry } from './http-client/rate-limit.registry.js';
import { RunFinisher } from './runner/run-finisher.service.js';
import { RunRecovery } from './runner/run-recovery.service.js';
import { SourceBatchLoop } from './runner/source-batch-loop.service.js';
import { SourceRunRecorder } from './runner/source-run-recorder.service.js';
import { SourceRunner } from './runner/source-runner.service.js';
import { RowIsolationRepository } from './validation/row-isolation.repository.js';

/**
 * The ETL engine. It never imports a source: plugins are discovered (SourceRegistry) from whatever
 * source modules the application imports.
 */
@Module({
  imports: [DiscoveryModule, ScheduleModule.forRoot(), CatalogModule, CountersModule, PartitionsModule],
  controllers: [EtlController, StreamOperationsController, BackfillController],
  providers: [
    SourceRegistry,
    RunsRepository,
    AnomalyService,
    RateLimitRegistry,
    HttpClientFactory,
    DriftService,
    CheckpointService,
    CheckpointRepository,
    DriftRepository,
    QuarantineRepository,
    RawRecordRepository,
    MarketQuotesRepository,
    NewsItemsRepository,
    QuoteWriteSteps,
    RunLedgerRepository,
    RowIsolationRepository,
    BatchBoundary,
    BatchPreparer,
    QuoteRowsWriter,
    NewsRowsWriter,
    BatchRowWriter,
    BatchBookkeeping,
    BatchWriter,
    BatchProcessor,
    RunRecovery,
    SourceRunRecorder,
    SourceBatchLoop,
    SourceRunner,
    RunFinisher,
    EtlRunner,
    EtlScheduler,
    CheckpointResetRepository,
    RunCancellationRepository,
    StreamOperationsService,
    QuarantineReplayRepository,
    ReplayExecutor,
    QuarantineReplayService,
    BackfillRepository,
    BackfillExecutor,
    BackfillRuns,
    BackfillWorker,
    BackfillService,
  ],
  exports: [
    RunsRepository,
    AnomalyService,
    EtlRunner,
    QuoteWriteSteps,
    SourceRegistry,
    RateLimitRegistry,
    HttpClientFactory,
    CheckpointService,
    DriftService,
    StreamOperationsService,
    QuarantineReplayService,
    BackfillService,
  ],
})
export class EtlModule {}
