import { Module } from '@nestjs/common';
import { ENVIRONMENT, type Environment } from '../platform/config/config.module.js';
import { AssetIdentityRepository } from './asset-identity.repository.js';
import { AssetIdentityService, ASSET_OVERRIDES } from './asset-identity.service.js';
import { loadAssetOverrides } from './asset-overrides.js';
import { LatestQuotesRepository, LatestQuotesWriter } from './latest-quotes.repository.js';
import { NewsLinker } from './news-linker.service.js';
import { NewsMentionsRepository } from './news-mentions.repository.js';
import { QuoteRollupsRepository } from './quote-rollups.repository.js';

/** The canonical model: identity resolution across sources and news-to-asset links. */
@Module({
  providers: [
    AssetIdentityRepository,
    AssetIdentityService,
    NewsLinker,
    NewsMentionsRepository,
    LatestQuotesRepository,
    LatestQuotesWriter,
    QuoteRollupsRepository,
    {
      provide: ASSET_OVERRIDES,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment) =>
        loadAssetOverrides(env.ASSET_OVERRIDES_FILE?.trim() || 'data/asset-overrides.csv'),
    },
  ],
  exports: [
    AssetIdentityService,
    NewsLinker,
    AssetIdentityRepository,
    LatestQuotesRepository,
    LatestQuotesWriter,
    QuoteRollupsRepository,
  ],
})
export class CatalogModule {}
