import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/catalog.module.js';
import { CountersModule } from '../../catalog/counters/counters.module.js';
import { EtlModule } from '../../etl/etl.module.js';
import { AssetAdminController } from './asset-admin.controller.js';
import { AssetAdminRepository } from './asset-admin.repository.js';
import { AssetAdminService } from './asset-admin.service.js';
import { AssetsController } from './assets.controller.js';
import { AssetsRepository } from './assets.repository.js';
import { AssetsService } from './assets.service.js';
import { AssetMappingsService } from './asset-mappings.service.js';
import { AssetRefResolver } from './asset-ref.resolver.js';
import { PriceHistoryController } from './price-history/price-history.controller.js';
import { PriceHistoryRepository } from './price-history/price-history.repository.js';
import { PriceHistoryService } from './price-history/price-history.service.js';

@Module({
  imports: [CatalogModule, CountersModule, EtlModule],
  controllers: [AssetsController, AssetAdminController, PriceHistoryController],
  providers: [
    AssetsRepository,
    AssetsService,
    AssetMappingsService,
    AssetAdminRepository,
    AssetAdminService,
    AssetRefResolver,
    PriceHistoryRepository,
    PriceHistoryService,
  ],
  // Sub-routes of /assets/{id} in other modules resolve `{source}:{source_asset_id}` the same way.
  exports: [AssetRefResolver],
})
export class AssetsModule {}
