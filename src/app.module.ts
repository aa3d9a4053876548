import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { EnvelopeThrottlerGuard } from './common/throttling/envelope-throttler.guard.js';
import { THROTTLE_STORAGE, ThrottlingModule } from './common/throttling/throttling.module.js';
import { buildLoggerParams } from './common/logging/logger.options.js';
import { SecretMasker } from './common/secrets/secret-masker.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule, type Environment } from './config/config.module.js';
import { AssetsModule } from './assets/assets.module.js';
import { DataModule } from './data/data.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DriftEventsModule } from './drift-events/drift-events.module.js';
import { EtlModule } from './etl/etl.module.js';
import { PluginPackagesModule } from './etl/plugins/plugin-packages.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NewsModule } from './news/news.module.js';
import { PricesModule } from './prices/prices.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { QuarantineApiModule } from './quarantine-api/quarantine-api.module.js';
import { RollupsModule } from './rollups/rollups.module.js';
import { RunsModule } from './runs/runs.module.js';
import { StatsModule } from './stats/stats.module.js';
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
