import { Module } from '@nestjs/common';
import { ENVIRONMENT, loadSourceConfig, type Environment } from '@kasparro/etl-plugin-sdk';
import { CoinPaprikaConfig, CoinPaprikaEnv, toCoinPaprikaConfig } from './coinpaprika.config.js';
import { CoinPaprikaExtractor } from './coinpaprika.extractor.js';

@Module({
  providers: [
    CoinPaprikaExtractor,
    {
      provide: CoinPaprikaConfig,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) => toCoinPaprikaConfig(loadSourceConfig(CoinPaprikaEnv, env)),
    },
  ],
})
export class CoinPaprikaSourceModule {}
