import { ApiProperty } from '@nestjs/swagger';
import { PaginationDto, ResponseMetadataDto } from '../../../common/http/envelope.js';

export class AssetRefDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' })
  id: string;

  @ApiProperty({ example: 'BTC' })
  symbol: string;

  @ApiProperty({ example: 'Bitcoin' })
  name: string;
}

export class MarketQuoteDto {
  @ApiProperty({ example: '1024' })
  id: string;

  @ApiProperty({ type: AssetRefDto })
  asset: AssetRefDto;

  @ApiProperty({ example: 'coingecko' })
  source: string;

  @ApiProperty({ example: 'bitcoin', description: "The source's own id for the coin" })
  source_asset_id: string;

  @ApiProperty({ example: '2025-05-02T00:10:25.889Z' })
  observed_at: string;

  @ApiProperty({ example: '96518', description: 'Decimal string (exact)' })
  price_usd: string;

  @ApiProperty({ type: String, nullable: true, example: '1916585996993' })
  market_cap_usd: string | null;

  @ApiProperty({ type: String, nullable: true, example: '30334935517' })
  volume_24h_usd: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2.3665' })
  change_24h_pct: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 1 })
  rank: number | null;

  @ApiProperty({ type: String, nullable: true, example: '19858746' })
  circulating_supply: string | null;

  @ApiProperty({ type: String, nullable: true, example: '19858746' })
  total_supply: string | null;

  @ApiProperty({ type: String, nullable: true, example: '21000000' })
  max_supply: string | null;

  @ApiProperty({ example: '2025-05-02T00:11:02.120Z' })
  ingested_at: string;

  @ApiProperty({
    enum: ['incremental', 'backfill'],
    example: 'incremental',
    description: '`backfill` when a backfill wrote the row',
  })
  provenance: 'incremental' | 'backfill';
}

export class MarketQuotePageDto {
  @ApiProperty({ type: [MarketQuoteDto] })
  data: MarketQuoteDto[];

  @ApiProperty({ type: PaginationDto })
  pagination: PaginationDto;

  @ApiProperty({ type: ResponseMetadataDto })
  metadata: ResponseMetadataDto;
}
