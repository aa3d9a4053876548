import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssetEntity } from './asset.entity.js';

/** The rollup intervals kept in `quote_rollups` (5m is computed from market_quotes on read). */
export const ROLLUP_INTERVALS = ['1h', '1d'] as const;
export type RollupInterval = (typeof ROLLUP_INTERVALS)[number];

/**
 * One source's quotes of one asset in one UTC-aligned bucket (1h or 1d), kept in the batch's
 * transaction (QuoteRollupsStep). Derived data, but not deleted by raw-quote retention: a year of
 * daily history outlives the raw rows it was computed from.
 */
@Entity('quote_rollups')
@Check('ck_quote_rollups_interval', `"bucket_interval" IN ('1h', '1d')`)
@Index('ix_quote_rollups_interval_start', ['bucketInterval', 'bucketStart'])
export class QuoteRollupEntity {
  @PrimaryColumn('uuid', { name: 'asset_id', primaryKeyConstraintName: 'PK_quote_rollups' })
  assetId: string;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'fk_quote_rollups_asset' })
  asset?: AssetEntity;

  @PrimaryColumn('text', { name: 'bucket_interval', primaryKeyConstraintName: 'PK_quote_rollups' })
  bucketInterval: RollupInterval;

  @PrimaryColumn('timestamptz', { name: 'bucket_start', primaryKeyConstraintName: 'PK_quote_rollups' })
  bucketStart: Date;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_quote_rollups' })
  source: string;

  /** Price of the bucket's earliest observation. */
  @Column('numeric')
  open: string;

  @Column('numeric')
  high: string;

  @Column('numeric')
  low: string;

  /** Price of the bucket's latest observation. */
  @Column('numeric')
  close: string;

  /** volume_24h_usd of the close observation: a rolling 24 h figure, not volume traded in the bucket. */
  @Column('numeric', { nullable: true })
  volume: string | null;

  @Column('int')
  observations: number;

  @Column('timestamptz', { name: 'open_at' })
  openAt: Date;

  /** When the close was observed: judges the source's freshness for the bucket's consensus. */
  @Column('timestamptz', { name: 'close_at' })
  closeAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
