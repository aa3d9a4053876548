import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../../platform/http/admin-key.guard.js';
import type { Page, Single } from '../../common/http/envelope.js';
import {
  AssetDetailResponseDto,
  AssetRefParamDto,
  AssetPageDto,
  ListAssetsQueryDto,
  MappingParamDto,
  RepointMappingDto,
  type AssetDetailDto,
  type AssetDto,
  RepointedMappingResponseDto,
  type RepointedMappingDto,
} from './assets.dto.js';
import { AssetMappingsService } from './asset-mappings.service.js';
import { AssetRefResolver } from './asset-ref.resolver.js';
import { AssetsService } from './assets.service.js';
import { ApiErrorDto } from '../../common/http/api-error.dto.js';
import { ApiStandardErrors } from '../../common/http/api-standard-errors.decorator.js';

@ApiTags('assets')
@ApiStandardErrors()
@Controller('assets')
export class AssetsController {
  constructor(
    private readonly assets: AssetsService,
    private readonly mappings: AssetMappingsService,
    private readonly refs: AssetRefResolver,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Canonical assets (one per real-world coin), with their per-source ids',
    description:
      'Filter by symbol or search with `q` (exact symbol or name matches first, then prefix matches, then the rest, ' +
      'each by rank: q=bitcoin lists BTC before BCH and BSV); keyset pagination (pass pagination.next_cursor as `cursor`).',
  })
  @ApiOkResponse({ type: AssetPageDto })
  list(@Query() query: ListAssetsQueryDto): Promise<Page<AssetDto>> {
    return this.assets.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One asset with its source ids and the consolidated view (latest per source, consensus price, spread)',
    description:
      'Freshness is judged against the current time: a source is fresh when its latest quote is ' +
      'within ETL_FRESHNESS_BUDGET_SECONDS of now (either side). When no source is fresh, `stale` is true ' +
      "with a `stale_reason`, the consensus is null, and `latest` still lists each source's latest quote with " +
      'its `age_seconds`. Prices, consensus and spread are exact decimal strings (PostgreSQL numeric). ' +
      "`id` is the asset UUID or a source's own id as `{source}:{source_asset_id}` (`coingecko:bitcoin`, " +
      '`coinpaprika:btc-bitcoin`, `csv:BTC`), answered with the canonical asset it maps to.',
  })
  @ApiOkResponse({ type: AssetDetailResponseDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'id is neither a UUID nor {source}:{source_asset_id}' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such asset (or no asset has that source id)' })
  @ApiResponse({
    status: 308,
    description: 'The id was absorbed by a merge: Location is the survivor',
    headers: { Location: { schema: { type: 'string' } } },
  })
  async get(@Param() params: AssetRefParamDto): Promise<Single<AssetDetailDto>> {
    return { data: await this.assets.detail(await this.refs.resolve(params.id)) };
  }

  @Put('mappings/:source/:sourceAssetId')
  @AdminOnly()
  @ApiOperation({
    summary: "Re-point a source's id to another canonical asset (manual identity fix, admin)",
    description:
      'The mapping of (source, sourceAssetId) is moved to asset_id in one transaction, recorded as a manual ' +
      'match with confidence 1; later runs keep it.',
  })
  @ApiOkResponse({
    type: RepointedMappingResponseDto,
    description: 'The mapping now points at the given asset (match_method manual, confidence 1)',
  })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'Unknown mapping or asset' })
  async repoint(
    @Param() params: MappingParamDto,
    @Body() body: RepointMappingDto,
  ): Promise<Single<RepointedMappingDto>> {
    return {
      data: await this.mappings.repoint({
        source: params.source,
        sourceAssetId: params.sourceAssetId,
        assetId: body.asset_id,
      }),
    };
  }
}
