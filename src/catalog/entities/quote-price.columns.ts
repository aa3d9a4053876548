import { Column } from 'typeorm';

/**
 * A source's quote of one asset as stored in market_quotes and copied to latest_quotes: the two must
 * keep one shape (latest_quotes always equals a DISTINCT ON over market_quotes). Money is numeric
 * (strings in JS). Not a table of its own.
 */
export abstract class QuotePriceColumns {
  @Column('text', { name: 'source_asset_id' })
  sourceAssetId: string;

  @Column('numeric', { name: 'price_usd' })
  priceUsd: string;

  @Column('numeric', { name: 'market_cap_usd', nullable: true })
  marketCapUsd: string | null;

  @Column('numeric', { name: 'volume_24h_usd', nullable: true })
  volume24hUsd: string | null;
}
