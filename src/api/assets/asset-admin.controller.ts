import { Body, Controller, Param } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { AdminActor } from './admin-context.decorator.js';
import { AdminCorrection } from './admin-correction.decorator.js';
import type { Single } from '../../common/http/envelope.js';
import { InvalidInputException } from '../../common/http/validation.js';
import { AssetAdminService, type AdminContext } from './asset-admin.service.js';
import { AssetIdParamDto } from './assets.dto.js';
import {
  ConfirmResultDto,
  MergeAssetsDto,
  MergeResultDto,
  MergeResultResponseDto,
  ReviewAssetDto,
  ReviewResultResponseDto,
  SplitAssetDto,
  SplitResultDto,
  SplitResultResponseDto,
} from './dto/asset-admin.dto.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';

/** The correction's result in the envelope; its refusals (404 naming the field, 409) reach the exception filter. */
async function answer<T>(work: Promise<T>): Promise<Single<T>> {
  return { data: await work };
}

/** Operators correct identity: merge two assets, split a source id out, resolve a review. */
@ApiTags('assets')
@ApiExtraModels(MergeResultDto, SplitResultDto, ConfirmResultDto)
@ApiStandardErrors()
@Controller('assets')
export class AssetAdminController {
  constructor(private readonly admin: AssetAdminService) {}

  @AdminCorrection({
    path: ':id/merge',
    operationId: 'mergeAssets',
    summary: 'Merge asset `from` into this one (admin): its source ids, quotes and news links move here',
    description:
      '`from` then answers GET with 308 here. Idempotent: repeating it replays the recorded result ' +
      '(replayed: true). Quotes of `from` at an instant this asset already has from the same source are dropped ' +
      "(this asset's kept) and counted; they stay in the audit entry. Refused (409) when both assets hold an id of " +
      'the same source.',
    ok: MergeResultResponseDto,
    badRequest: 'id or from is not a UUID (the body names the field)',
    notFound: 'No such asset (field `id` or `from`)',
    conflict:
      'Merge into itself; an id of the same source on both; an asset already absorbed by another merge ' +
      '(merged_into); an ETL run of an involved source in progress',
  })
  merge(
    @Param() params: AssetIdParamDto,
    @Body() body: MergeAssetsDto,
    @AdminActor() actor: AdminContext,
  ): Promise<Single<MergeResultDto>> {
    const command = { survivorId: params.id, fromId: body.from, reason: body.reason };
    return answer(this.admin.merge(command, actor));
  }

  @AdminCorrection({
    path: ':id/split',
    operationId: 'splitAsset',
    summary: 'Split one source id (and its quotes) out of this asset into a new asset (admin)',
    description:
      'The new asset takes the key the matcher gives that source id alone (symbol + name), else its ' +
      'isolated key. News links stay; the next news re-link gives the new asset its own. Idempotent: repeating it ' +
      'replays the recorded result.',
    ok: SplitResultResponseDto,
    badRequest: 'Bad source or source_asset_id (the body names the field)',
    notFound: 'No such asset (field `id`) or source id (field `source_asset_id`)',
    conflict:
      "The source id is the asset's last one, or belongs to another asset; the asset was absorbed " +
      '(merged_into); an ETL run of that source in progress',
  })
  split(
    @Param() params: AssetIdParamDto,
    @Body() body: SplitAssetDto,
    @AdminActor() actor: AdminContext,
  ): Promise<Single<SplitResultDto>> {
    const command = {
      assetId: params.id,
      source: body.source,
      sourceAssetId: body.source_asset_id,
      reason: body.reason,
    };
    return answer(this.admin.split(command, actor));
  }

  @AdminCorrection({
    path: ':id/review',
    operationId: 'reviewAsset',
    summary: 'Resolve an identity review (admin): confirm (its own coin: clears needs_review) or merge_into asset_id',
    description:
      'merge_into merges this asset into asset_id exactly as POST /assets/{asset_id}/merge {from: id} does. ' +
      'Idempotent.',
    ok: ReviewResultResponseDto,
    badRequest: 'Bad decision, asset_id missing with merge_into or given with confirm (the body names the field)',
    notFound: 'No such asset (field `id` or `asset_id`)',
    conflict: 'As for merge (merge_into), or the asset was absorbed by a merge (merged_into)',
  })
  review(
    @Param() params: AssetIdParamDto,
    @Body() body: ReviewAssetDto,
    @AdminActor() actor: AdminContext,
  ): Promise<Single<ConfirmResultDto | MergeResultDto>> {
    if (body.decision === 'confirm') {
      if (body.asset_id !== undefined) {
        throw new InvalidInputException([{ field: 'asset_id', message: 'asset_id is only for decision merge_into' }]);
      }
      return answer(this.admin.confirm({ assetId: params.id, reason: body.reason }, actor));
    }
    // The validation pipe has required asset_id for merge_into.
    const command = { survivorId: body.asset_id!, fromId: params.id, reason: body.reason, via: 'review' as const };
    return answer(this.admin.merge(command, actor));
  }
}
