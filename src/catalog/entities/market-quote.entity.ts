import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { AssetEntity } from './asset.entity.js';
import { QuotePriceColumns } from './quote-price.columns.js';

/**
 * One source's observation of one asset at one instant. Money and supply are numeric (strings in JS).
 * Range partitioned by observed_at (migration 1764300000020; partitions: src/catalog/partitions/), so every
 * unique key holds observed_at, and the asset too (the schema stays shardable by asset, e.g. on
 * Citus): primary key (asset_id, observed_at, id), which also serves an asset's history in time order.
 */
@Entity('market_quotes')
@Unique('uq_market_quotes_asset_source_observed', ['assetId', 'source', 'observedAt'])
@Index('ix_market_quotes_observed_id', ['observedAt', 'id'])
@Index('ix_market_quotes_source_observed_id', ['source', 'observedAt', 'id'])
@Index('ix_market_quotes_price_id', ['priceUsd', 'id'])
export class MarketQuoteEntity extends QuotePriceColumns {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_market_quotes' })
  id: string;

  @PrimaryColumn('uuid', { name: 'asset_id', primaryKeyConstraintName: 'pk_market_quotes' })
  assetId: string;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'fk_market_quotes_asset' })
  asset?: AssetEntity;

  @Column('text')
  source: string;

  @PrimaryColumn('timestamptz', { name: 'observed_at', primaryKeyConstraintName: 'pk_market_quotes' })
  observedAt: Date;

  @Column('numeric', { name: 'change_24h_pct', nullable: true })
  change24hPct: string | null;

  @Column('int', { nullable: true })
  rank: number | null;

  @Column('numeric', { name: 'circulating_supply', nullable: true })
  circulatingSupply: string | null;

  @Column('numeric', { name: 'total_supply', nullable: true })
  totalSupply: string | null;

  @Column('numeric', { name: 'max_supply', nullable: true })
  maxSupply: string | null;

  @Column('text', { name: 'content_hash' })
  contentHash: string;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;

  /** `backfill` when a backfill wrote the row, else `incremental`. */
  @Column('text', { default: 'incremental' })
  provenance: 'incremental' | 'backfill';

  @Column('timestamptz', { name: 'ingested_at', default: () => 'now()' })
  ingestedAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
