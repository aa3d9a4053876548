import { Injectable, NotFoundException } from '@nestjs/common';
import { LatestQuotesRepository } from '../../catalog/latest-quotes.repository.js';
import type { Page } from '../../common/http/envelope.js';
import { decodeCursor } from '../../common/http/keyset-cursor.js';
import { toKeysetPage } from '../../common/http/keyset-page.js';
import { parseLimit } from '../../common/http/query-params.js';
import { AppConfig } from '../../platform/config/app-config.js';
import { SourceRegistry } from '../../etl/registry/source-registry.service.js';
import { AssetAdminService } from './asset-admin.service.js';
import { AssetMovedException } from './asset-moved.error.js';
import type { AssetDetailDto, AssetDto, ListAssetsQueryDto } from './assets.dto.js';
import { AssetsRepository, type AssetPageRow, type AssetRow } from './assets.repository.js';
import { consolidate } from './consolidated-view.js';
import { toHistoryEntry } from './dto/asset-history.js';
import { surviveFields } from './survivorship.js';
import { pick } from '../../common/objects/pick.js';

@Injectable()
export class AssetsService {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly latestQuotes: LatestQuotesRepository,
    private readonly admin: AssetAdminService,
    private readonly registry: SourceRegistry,
    private readonly config: AppConfig,
  ) {}

  async list(query: ListAssetsQueryDto): Promise<Page<AssetDto>> {
    const limit = parseLimit(query.limit);
    // With q the order is by match tier and rank, so is the cursor (a cursor of the other order is a 400).
    const sort = query.q ? 'assets-q' : 'assets';
    const after = query.cursor
      ? decodeCursor(query.cursor, sort, query.q ? ['bigint', 'bigint', 'text'] : ['text'])
      : undefined;
    const { rows, total } = await this.assets.page(
      { q: query.q, symbol: query.symbol, needsReview: query.needs_review },
      limit,
      after,
    );
    const keyOf = (r: AssetPageRow) =>
      query.q ? [r.match_tier ?? '2', r.rank_key ?? '0', r.asset_key] : [r.asset_key];
    return toKeysetPage({ rows, limit, sort, keyOf, map: toAssetDto, total });
  }

  /** An asset (by id) with its surviving fields, consolidated prices and identity history; moved → AssetMovedException. */
  async detail(id: string): Promise<AssetDetailDto> {
    const asOf = new Date();
    const budgetSeconds = this.config.etl.freshnessBudgetSeconds;
    const [asset, consensus, history] = await Promise.all([
      this.assets.find(id),
      this.latestQuotes.consensus({
        assetIds: [id],
        asOf,
        freshnessSeconds: budgetSeconds,
        divergencePct: this.config.etl.priceDivergencePct,
      }),
      this.admin.history(id),
    ]);
    if (!asset) {
      const survivor = await this.admin.survivorOf(id);
      if (survivor) throw new AssetMovedException(id, survivor);
      throw new NotFoundException(`Asset ${id} not found`);
    }
    const { field_sources, ...fields } = surviveFields(
      asset,
      asset.source_ids,
      (source) => this.registry.get(source)?.priority ?? 0,
    );
    return {
      ...toAssetDto(asset),
      ...fields,
      consolidated: { ...consolidate(consensus.get(id), asOf, budgetSeconds), field_sources },
      history: history.map(toHistoryEntry),
    };
  }
}

const ASSET_FIELDS = ['id', 'asset_key', 'symbol', 'name', 'rank', 'needs_review', 'review_reason'] as const;
const SOURCE_ID_FIELDS = ['source', 'source_asset_id', 'match_method', 'confidence'] as const;

function toAssetDto(r: AssetRow): AssetDto {
  return { ...pick(r, ASSET_FIELDS), source_ids: r.source_ids.map((s) => pick(s, SOURCE_ID_FIELDS)) };
}
