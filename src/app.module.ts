import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { EnvelopeThrottlerGuard } from './platform/throttling/envelope-throttler.guard.js';
import { THROTTLE_STORAGE, ThrottlingModule } from './platform/throttling/throttling.module.js';
import { buildLoggerParams } from './platform/logging/logger.options.js';
import { SecretMasker } from './common/secrets/secret-masker.js';
import { AppConfig } from './platform/config/app-config.js';
import { ConfigModule, type Environment } from './platform/config/config.module.js';
import { AssetsModule } from './api/assets/assets.module.js';
import { DataModule } from './api/data/data.module.js';
import { DatabaseModule } from './platform/database/database.module.js';
import { DriftEventsModule } from './api/drift-events/drift-events.module.js';
import { EtlModule } from './etl/etl.module.js';
import { PluginPackagesModule } from './etl/plugins/plugin-packages.module.js';
import { HealthModule } from './api/health/health.module.js';
import { MetricsModule } from './platform/metrics/metrics.module.js';
import { NewsModule } from './api/news/news.module.js';
import { PricesModule } from './api/prices/prices.module.js';
import { ObservabilityModule } from './api/observability/observability.module.js';
import { QuarantineApiModule } from './api/quarantine/quarantine-api.module.js';
import { RollupsModule } from './etl/rollups/rollups.module.js';
import { RunsModule } from './api/runs/runs.module.js';
import { StatsModule } from './api/stats/stats.module.js';
import { SourcesModule } from './sources/sources.module.js';

/** Composition root: the only place that lists feature modules. */
@Module({})
export class AppModule {
  static forRoot(env: Environment = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRootAsync({ inject: [AppConfig, SecretMasker], useFactory: buildLoggerParams }),
        ThrottlerModule.forRootAsync({
          imports: [ThrottlingModule],
          inject: [AppConfig, THROTTLE_STORAGE],
          useFactory: (config: AppConfig, storage: ThrottlerStorage) => ({
            throttlers: [{ ttl: config.api.throttleTtlSeconds * 1000, limit: config.api.throttleLimit }],
            storage,
          }),
        }),
        DatabaseModule,
        MetricsModule,
        HealthModule,
        EtlModule,
        RollupsModule,
        SourcesModule,
        PluginPackagesModule.forRoot(env),
        DataModule,
        AssetsModule,
        PricesModule,
        NewsModule,
        StatsModule,
        RunsModule,
        DriftEventsModule,
        QuarantineApiModule,
        ObservabilityModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: EnvelopeThrottlerGuard }],
    };
  }
}
