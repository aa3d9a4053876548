import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { EtlModule } from '../etl/etl.module.js';
import { AssetsController } from './assets.controller.js';
import { AssetsRepository } from './assets.repository.js';

@Module({ imports: [CatalogModule, EtlModule], controllers: [AssetsController], providers: [AssetsRepository] })
export class AssetsModule {}
