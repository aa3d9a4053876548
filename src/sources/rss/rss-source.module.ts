import { Module } from '@nestjs/common';
import { ENVIRONMENT, loadSourceConfig, type Environment } from '@kasparro/etl-plugin-sdk';
import { RssConfig, RssEnv, toRssConfig } from './rss.config.js';
import { RssExtractor } from './rss.extractor.js';

@Module({
  providers: [
    RssExtractor,
    {
      provide: RssConfig,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) => toRssConfig(loadSourceConfig(RssEnv, env)),
    },
  ],
})
export class RssSourceModule {}
