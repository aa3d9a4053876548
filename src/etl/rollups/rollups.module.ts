import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/catalog.module.js';
import { EtlModule } from '../etl.module.js';
import { QuoteRollupsStep } from './quote-rollups.step.js';
import { RollupRebuildService } from './rollup-rebuild.service.js';

/** The 1h / 1d quote rollups: kept by a quote write step in each batch, rebuilt by `etl rollups --rebuild`. */
@Module({
  imports: [CatalogModule, EtlModule],
  providers: [QuoteRollupsStep, RollupRebuildService],
  exports: [RollupRebuildService],
})
export class RollupsModule {}
