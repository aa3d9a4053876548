import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ResponseMetadataDto } from '../../../common/http/envelope.js';

/** At most this many symbols or asset ids per call (a 400 naming the field beyond). */
export const MAX_PRICES_PER_CALL = 250;

export class PricesQueryDto {
  @ApiPropertyOptional({
    example: 'BTC,ETH,SOL',
    description:
      `Comma-separated tickers (case-insensitive), at most ${MAX_PRICES_PER_CALL}. A symbol several assets share ` +
      'returns each of them. Give `symbols` or `asset_ids`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20_000, { message: 'symbols is too long' })
  symbols?: string;

  @ApiPropertyOptional({
    example: '3b241101-e2bb-5255-8caf-4136c566a962',
    description: `Comma-separated asset UUIDs, at most ${MAX_PRICES_PER_CALL}. An id a merge absorbed answers the survivor.`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(20_000, { message: 'asset_ids is too long' })
  asset_ids?: string;
}

export class PriceAssetDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) id: string;
  @ApiProperty({ example: 'BTC' }) symbol: string;
  @ApiProperty({ example: 'Bitcoin' }) name: string;
}

export class SourcePriceDto {
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: '96518.12', description: 'Exact decimal, every digit as received' }) price_usd: string;
  @ApiProperty({ example: '2025-05-02T00:10:25.889Z', description: "This source's latest quote instant" })
  observed_at: string;
  @ApiProperty({
    example: 120,
    description: 'Whole seconds from observed_at to now; negative when dated in the future',
  })
  age_seconds: number;
  @ApiProperty({
    example: true,
    description: 'Within ETL_FRESHNESS_BUDGET_SECONDS of now (either side): counted in the consensus',
  })
  fresh: boolean;
}

export class PriceItemDto {
  @ApiProperty({ type: PriceAssetDto }) asset: PriceAssetDto;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '96511.25',
    description: "Exact median of the fresh sources' latest prices; null when none is fresh",
  })
  consensus_price_usd: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '0.3400',
    description: '(max - min) / median of the fresh prices, in percent, 4 decimals',
  })
  spread_pct: string | null;

  @ApiProperty({
    example: false,
    description: 'Spread of the fresh prices above ETL_PRICE_DIVERGENCE_PCT (compared exactly)',
  })
  divergent: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2025-05-02T00:10:25.889Z',
    description: 'Instant of the newest quote of any source',
  })
  observed_at: string | null;

  @ApiProperty({ type: [SourcePriceDto], description: "Each source's latest quote, fresh or not" })
  sources: SourcePriceDto[];
}

export class PricesMetadataDto extends ResponseMetadataDto {
  @ApiProperty({ example: ['NOPE'], description: 'Requested symbols (upper-cased) or asset ids that match no asset' })
  not_found: string[];
}

export class PricesResponseDto {
  @ApiProperty({ type: [PriceItemDto] }) data: PriceItemDto[];
  @ApiProperty({ type: PricesMetadataDto }) metadata: PricesMetadataDto;
}

/** One SSE `price` event's data (also what is kept for Last-Event-ID replay). */
export class PriceEventDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) asset_id: string;
  @ApiProperty({ example: 'BTC' }) symbol: string;
  @ApiProperty({ type: String, nullable: true, example: '96511.25' }) consensus_price_usd: string | null;
  @ApiProperty({ type: [SourcePriceDto] }) sources: SourcePriceDto[];
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:10:25.889Z' }) observed_at: string | null;
}
