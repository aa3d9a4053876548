import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssetEntity } from './asset.entity.js';
import { QuotePriceColumns } from './quote-price.columns.js';

/**
 * Each source's newest quote of each asset: what /prices, the consolidated view and the price stream
 * read, so their cost does not grow with the history. Kept in the batch's transaction (and by the
 * identity changes that move quotes between assets); always equal to a DISTINCT ON over market_quotes.
 */
@Entity('latest_quotes')
export class LatestQuoteEntity extends QuotePriceColumns {
  @PrimaryColumn('uuid', { name: 'asset_id', primaryKeyConstraintName: 'PK_latest_quotes' })
  assetId: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_latest_quotes' })
  source: string;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'fk_latest_quotes_asset' })
  asset?: AssetEntity;

  @Column('timestamptz', { name: 'observed_at' })
  observedAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
