import { Module } from '@nestjs/common';
import { ENVIRONMENT, loadSourceConfig, type Environment } from '@kasparro/etl-plugin-sdk';
import { CoinGeckoConfig, CoinGeckoEnv, toCoinGeckoConfig } from './coingecko.config.js';
import { CoinGeckoExtractor } from './coingecko.extractor.js';

@Module({
  providers: [
    CoinGeckoExtractor,
    {
      provide: CoinGeckoConfig,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) => toCoinGeckoConfig(loadSourceConfig(CoinGeckoEnv, env)),
    },
  ],
})
export class CoinGeckoSourceModule {}
