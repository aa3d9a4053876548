import { ApiProperty } from '@nestjs/swagger';
import { PaginationDto } from '../../../common/http/envelope.js';

export class LinkedAssetDto {
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) id: string;
  @ApiProperty({ example: 'BTC' }) symbol: string;
  @ApiProperty({ example: 'Bitcoin' }) name: string;
  @ApiProperty({ example: 0.95 }) confidence: number;
  @ApiProperty({ example: 'Bitcoin' }) matched: string;
}

export class NewsItemDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ example: 'rss' }) source: string;
  @ApiProperty({ example: 'https://cointelegraph.com/rss' }) feed_url: string;
  @ApiProperty({ example: 'Bitcoin ETF inflows hit three-week high as BTC reclaims $96K' }) title: string;
  @ApiProperty({
    example: 'https://cointelegraph.com/news/bitcoin-etf-inflows-three-week-high-btc-96k?utm_source=rss_feed',
  })
  link: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'US spot Bitcoin ETFs recorded their strongest three-week inflow streak.',
  })
  summary: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Cointelegraph by Jane Doe' }) author: string | null;
  @ApiProperty({ example: ['Bitcoin', 'ETF'] }) categories: string[];
  @ApiProperty({ example: '2025-09-10T15:38:00.000Z' }) published_at: string;
  @ApiProperty({ type: [LinkedAssetDto] }) assets: LinkedAssetDto[];
}

export class NewsPageDto {
  @ApiProperty({ type: [NewsItemDto] }) data: NewsItemDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}
