import { Module } from '@nestjs/common';
import { ENVIRONMENT, loadSourceConfig, type Environment } from '@kasparro/etl-plugin-sdk';
import { KRAKEN_CONFIG, KrakenEnv } from './kraken.config.js';
import { KrakenExtractor } from './kraken.extractor.js';

/** The Kraken source plugin: the service discovers its extractor; nothing imports it. */
@Module({
  providers: [
    {
      provide: KRAKEN_CONFIG,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) => loadSourceConfig(KrakenEnv, env),
    },
    KrakenExtractor,
  ],
})
export class KrakenSourceModule {}
