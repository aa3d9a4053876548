import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AssetIdentityRepository } from '../../catalog/asset-identity.repository.js';
import type { RepointedMappingDto } from './assets.dto.js';
import { AssetsRepository } from './assets.repository.js';

/** Which source id to move to which asset. */
export interface RepointCommand {
  source: string;
  sourceAssetId: string;
  assetId: string;
}

/** Manual identity fixes of one source id's mapping. */
@Injectable()
export class AssetMappingsService {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly identity: AssetIdentityRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Moves a source id to another asset as a manual match (confidence 1), in one transaction; later runs keep it. */
  async repoint({ source, sourceAssetId, assetId }: RepointCommand): Promise<RepointedMappingDto> {
    const target = await this.assets.find(assetId);
    if (!target) throw new NotFoundException(`Asset ${assetId} not found`);
    const changed = await this.dataSource.transaction((manager) =>
      this.identity.repointMapping(manager, { source, sourceAssetId, assetId }),
    );
    if (!changed) throw new NotFoundException(`No mapping for ${source}/${sourceAssetId}`);
    return { source, source_asset_id: sourceAssetId, match_method: 'manual', confidence: 1, asset_id: assetId };
  }
}
