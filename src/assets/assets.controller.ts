import { Body, Controller, Get, NotFoundException, Param, Put, Query, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AssetIdentityRepository } from '../catalog/asset-identity.repository.js';
import { AdminOnly } from '../common/http/admin-key.guard.js';
import type { Page, Single } from '../common/http/envelope.js';
import { decodeCursor, encodeCursor } from '../common/http/keyset-cursor.js';
import { paginationTotal } from '../common/http/keyset-page.js';
import { parseLimit } from '../common/http/query-params.js';
import { AppConfig } from '../config/app-config.js';
import { SourceRegistry } from '../etl/registry/source-registry.service.js';
import {
  AssetDetailResponseDto, AssetRefParamDto, AssetPageDto, ListAssetsQueryDto, MappingParamDto, RepointMappingDto,
  type AssetDetailDto, type AssetDto, RepointedMappingResponseDto, type RepointedMappingDto,
} from './assets.dto.js';
import { AssetAdminService } from './asset-admin.service.js';
import { AssetMovedException, AssetMovedFilter } from './asset-moved.filter.js';
import { AssetsRepository, type AssetPageRow, type AssetRow } from './assets.repository.js';
import { AssetRefResolver } from './asset-ref.resolver.js';
import { consolidate } from './consolidated-view.js';
import { LatestQuotesRepository } from '../catalog/latest-quotes.repository.js';
import { toHistoryEntry } from './dto/asset-history.js';
import { ApiErrorDto } from '../common/http/api-error.dto.js';
import { ApiStandardErrors } from '../common/http/api-standard-errors.decorator.js';

function toAssetDto(r: AssetRow): AssetDto {
  return {
    id: r.id, asset_key: r.asset_key, symbol: r.symbol, name: r.name, rank: r.rank, needs_review: r.needs_review, review_reason: r.review_reason,
    source_ids: r.source_ids.map(({ source, source_asset_id, match_method, confidence }) => ({ source, source_asset_id, match_method, confidence })),
  };
}

@ApiTags('assets')
@ApiStandardErrors()
@Controller('assets')
export class AssetsController {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly identity: AssetIdentityRepository,
    private readonly registry: SourceRegistry,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly admin: AssetAdminService,
    private readonly latestQuotes: LatestQuotesRepository,
    private readonly refs: AssetRefResolver,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Canonical assets (one per real-world coin), with their per-source ids',
    description: 'Filter by symbol or search with `q` (exact symbol or name matches first, then prefix matches, then the rest, '
      + 'each by rank: q=bitcoin lists BTC before BCH and BSV); keyset pagination (pass pagination.next_cursor as `cursor`).',
  })
  @ApiOkResponse({ type: AssetPageDto })
  async list(@Query() query: ListAssetsQueryDto): Promise<Page<AssetDto>> {
    const limit = parseLimit(query.limit);
    // With q the order is by match tier and rank, so is the cursor (a cursor of the other order is a 400).
    const sort = query.q ? 'assets-q' : 'assets';
    const after = query.cursor ? decodeCursor(query.cursor, sort, query.q ? ['bigint', 'bigint', 'text'] : ['text']) : undefined;
    const { rows, total } = await this.assets.page({ q: query.q, symbol: query.symbol, needsReview: query.needs_review }, limit, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const key = (r: AssetPageRow) => (query.q ? [r.match_tier ?? '2', r.rank_key ?? '0', r.asset_key] : [r.asset_key]);
    return { data: page.map(toAssetDto), pagination: { limit, next_cursor: rows.length > limit && last ? encodeCursor(sort, key(last)) : null, ...paginationTotal(total) } };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One asset with its source ids and the consolidated view (latest per source, consensus price, spread)',
    description: 'Freshness is judged against the current time: a source is fresh when its latest quote is '
      + 'within ETL_FRESHNESS_BUDGET_SECONDS of now (either side). When no source is fresh, `stale` is true '
      + "with a `stale_reason`, the consensus is null, and `latest` still lists each source's latest quote with "
      + 'its `age_seconds`. Prices, consensus and spread are exact decimal strings (PostgreSQL numeric). '
      + '`id` is the asset UUID or a source\'s own id as `{source}:{source_asset_id}` (`coingecko:bitcoin`, '
      + '`coinpaprika:btc-bitcoin`, `csv:BTC`), answered with the canonical asset it maps to.',
  })
  @ApiOkResponse({ type: AssetDetailResponseDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'id is neither a UUID nor {source}:{source_asset_id}' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such asset (or no asset has that source id)' })
  @ApiResponse({
    status: 308,
    description: 'The id was absorbed by a merge: Location is the survivor',
    headers: { Location: { schema: { type: 'string' } } },
  })
  @UseFilters(AssetMovedFilter)
  async get(@Param() params: AssetRefParamDto): Promise<Single<AssetDetailDto>> {
    const id = await this.refs.resolve(params.id);
    const asOf = new Date();
    const budgetSeconds = this.config.etl.freshnessBudgetSeconds;
    const [asset, consensus, history] = await Promise.all([
      this.assets.find(id),
      this.latestQuotes.consensus({
        assetIds: [id], asOf, freshnessSeconds: budgetSeconds, divergencePct: this.config.etl.priceDivergencePct,
      }),
      this.admin.history(id),
    ]);
    if (!asset) {
      const survivor = await this.admin.survivorOf(id);
      if (survivor) throw new AssetMovedException(id, survivor);
      throw new NotFoundException(`Asset ${id} not found`);
    }
    // Survivorship: descriptive fields come from the highest-priority source that has them.
    const byPriority = [...asset.source_ids].sort((a, b) => (this.registry.get(b.source)?.priority ?? 0) - (this.registry.get(a.source)?.priority ?? 0));
    const nameFrom = byPriority.find((s) => s.name);
    const rankFrom = byPriority.find((s) => s.rank !== null);
    return {
      data: {
        ...toAssetDto(asset),
        name: nameFrom?.name ?? asset.name,
        rank: rankFrom?.rank ?? asset.rank,
        consolidated: {
          ...consolidate(consensus.get(id), asOf, budgetSeconds),
          field_sources: { name: nameFrom?.source ?? null, rank: rankFrom?.source ?? null },
        },
        history: history.map(toHistoryEntry),
      },
    };
  }

  @Put('mappings/:source/:sourceAssetId')
  @AdminOnly()
  @ApiOperation({
    summary: "Re-point a source's id to another canonical asset (manual identity fix, admin)",
    description: 'The mapping of (source, sourceAssetId) is moved to asset_id in one transaction, recorded as a manual '
      + 'match with confidence 1; later runs keep it.',
  })
  @ApiOkResponse({ type: RepointedMappingResponseDto, description: 'The mapping now points at the given asset (match_method manual, confidence 1)' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'Unknown mapping or asset' })
  async repoint(@Param() params: MappingParamDto, @Body() body: RepointMappingDto): Promise<Single<RepointedMappingDto>> {
    const target = await this.assets.find(body.asset_id);
    if (!target) throw new NotFoundException(`Asset ${body.asset_id} not found`);
    const changed = await this.dataSource.transaction((manager) => this.identity.repointMapping(manager, params.source, params.sourceAssetId, body.asset_id));
    if (!changed) throw new NotFoundException(`No mapping for ${params.source}/${params.sourceAssetId}`);
    return { data: { source: params.source, source_asset_id: params.sourceAssetId, match_method: 'manual', confidence: 1, asset_id: body.asset_id } };
  }
}
