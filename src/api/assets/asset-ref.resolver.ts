import { Injectable, NotFoundException } from '@nestjs/common';
import { parseAssetRef } from './asset-ref.js';
import { AssetsRepository } from './assets.repository.js';

/**
 * The asset id behind an `{id}` path parameter of the asset read routes (validated by IsAssetRef):
 * a UUID as given (a retired one is then answered by the route's redirect logic), a
 * `{source}:{source_asset_id}` as the asset that source id maps to (404 when none does).
 */
@Injectable()
export class AssetRefResolver {
  constructor(private readonly assets: AssetsRepository) {}

  async resolve(ref: string): Promise<string> {
    const parsed = parseAssetRef(ref);
    if (!parsed) throw new NotFoundException(`Asset ${ref} not found`);
    if (parsed.kind === 'id') return parsed.id;
    const id = await this.assets.findIdBySourceId(parsed.source, parsed.sourceAssetId);
    if (!id) throw new NotFoundException(`No asset has the ${parsed.source} id ${parsed.sourceAssetId}`);
    return id;
  }
}
