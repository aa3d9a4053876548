import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PaginationDto } from '../../common/http/envelope.js';
import { CursorParam, LimitParam } from '../../common/http/query-params.js';
import { AssetHistoryEntryDto } from './dto/asset-admin.dto.js';
import { IsAssetRef } from './asset-ref.js';

export class ListAssetsQueryDto {
  @ApiPropertyOptional({
    example: 'bitcoin',
    description:
      'Symbol (exact, case-insensitive) or name (contains, case-insensitive). Ranked: exact symbol or name ' +
      'matches first, then symbol or name prefix matches, then the rest; each group by rank.',
  })
  @IsOptional()
  @MinLength(1, { message: 'q must not be empty' })
  @MaxLength(100, { message: 'q must be at most 100 characters' })
  q?: string;

  @ApiPropertyOptional({ example: 'BTC' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9.$_-]{1,20}$/, { message: 'symbol must be a ticker such as BTC' })
  symbol?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'Only assets awaiting identity review (true) or only confirmed ones (false)',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'needs_review must be true or false' })
  needs_review?: boolean;

  @LimitParam()
  limit?: number;

  @CursorParam()
  cursor?: string;
}

export class AssetIdParamDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}

/** The asset read routes' `id`: our UUID or a source's own id, answered with the canonical asset. */
export class AssetRefParamDto {
  @ApiProperty({
    example: 'coingecko:bitcoin',
    description:
      'The asset UUID, or `{source}:{source_asset_id}` as the source names the coin ' +
      '(`coingecko:bitcoin`, `coinpaprika:btc-bitcoin`, `csv:BTC`)',
  })
  @IsAssetRef()
  id: string;
}

export class MappingParamDto {
  @ApiProperty({ example: 'coinpaprika' })
  @Matches(/^[a-z0-9_-]{1,64}$/, { message: 'source must be a source id such as "coingecko"' })
  source: string;

  @ApiProperty({ example: 'bnb-binance-coin' })
  @MinLength(1)
  @MaxLength(200)
  sourceAssetId: string;
}

export class RepointMappingDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962', description: 'The asset this source id really is' })
  @IsUUID('all', { message: 'asset_id must be a UUID' })
  asset_id: string;
}

export class SourceIdDto {
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: 'bitcoin' }) source_asset_id: string;
  @ApiProperty({
    enum: ['crosswalk', 'symbol_name', 'symbol_name_rank', 'override', 'manual', 'new'],
    example: 'symbol_name',
  })
  match_method: string;
  @ApiProperty({ example: 1 }) confidence: number;
}

/** A mapping after a manual re-point. */
export class RepointedMappingDto extends SourceIdDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962', description: 'The canonical asset it now points at' })
  asset_id: string;
}

export class RepointedMappingResponseDto {
  @ApiProperty({ type: RepointedMappingDto }) data: RepointedMappingDto;
}

export class AssetDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) id: string;
  @ApiProperty({ example: 'btc:bitcoin' }) asset_key: string;
  @ApiProperty({ example: 'BTC' }) symbol: string;
  @ApiProperty({ example: 'Bitcoin' }) name: string;
  @ApiProperty({ type: Number, nullable: true, example: 1 }) rank: number | null;
  @ApiProperty({ example: false }) needs_review: boolean;
  @ApiProperty({ type: String, nullable: true, example: null }) review_reason: string | null;
  @ApiProperty({ type: [SourceIdDto] }) source_ids: SourceIdDto[];
}

export class AssetPageDto {
  @ApiProperty({ type: [AssetDto] }) data: AssetDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class LatestQuoteDto {
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: '96518', description: 'Exact decimal, every digit as received' }) price_usd: string;
  @ApiProperty({ type: String, nullable: true, example: '1916585996993' }) market_cap_usd: string | null;
  @ApiProperty({ type: String, nullable: true, example: '30334935517' }) volume_24h_usd: string | null;
  @ApiProperty({ example: '2025-05-02T00:10:25.889Z' }) observed_at: string;

  @ApiProperty({
    example: 120,
    description: 'Whole seconds from observed_at to as_of; negative when dated in the future',
  })
  age_seconds: number;

  @ApiProperty({
    example: true,
    description: 'Within ETL_FRESHNESS_BUDGET_SECONDS of as_of (either side): in the consensus',
  })
  fresh: boolean;
}

export class ConsolidatedDto {
  @ApiProperty({ type: [LatestQuoteDto], description: "Each source's latest quote, fresh or not" })
  latest: LatestQuoteDto[];

  @ApiProperty({
    example: '2025-05-02T00:12:25.889Z',
    description: 'The instant freshness is judged against (the request time)',
  })
  as_of: string;

  @ApiProperty({ example: 43200, description: 'ETL_FRESHNESS_BUDGET_SECONDS' })
  freshness_budget_seconds: number;

  @ApiProperty({ example: 2, description: 'How many sources are fresh (counted in the consensus)' })
  fresh_sources: number;

  @ApiProperty({
    example: false,
    description: 'True when no source is fresh: consensus_price_usd and spread_pct are null',
  })
  stale: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why the view is stale; null when it is not',
  })
  stale_reason: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '96511.25',
    description: 'Exact median of the fresh latest prices',
  })
  consensus_price_usd: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '0.3400',
    description: '(max - min) / median of the fresh prices, in percent, 4 decimals (decimal text)',
  })
  spread_pct: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2025-05-02T00:10:25.889Z',
    description: 'observed_at of the newest quote',
  })
  freshest_at: string | null;

  @ApiProperty({
    example: false,
    description: 'Spread of the fresh prices above ETL_PRICE_DIVERGENCE_PCT (compared exactly)',
  })
  divergent: boolean;

  @ApiProperty({
    example: { name: 'coingecko', rank: 'coingecko' },
    description: 'Which source each descriptive field came from',
  })
  field_sources: Record<string, string | null>;
}

export class AssetDetailDto extends AssetDto {
  @ApiProperty({ type: ConsolidatedDto }) consolidated: ConsolidatedDto;
  @ApiProperty({
    type: [AssetHistoryEntryDto],
    description: 'Identity corrections touching this asset (merge, split, confirm), newest first',
  })
  history: AssetHistoryEntryDto[];
}

export class AssetDetailResponseDto {
  @ApiProperty({ type: AssetDetailDto }) data: AssetDetailDto;
}
