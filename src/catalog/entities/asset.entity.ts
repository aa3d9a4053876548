import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One row per real-world asset. `id` is a UUIDv5 of `asset_key`, so it is stable and order-independent. */
@Entity('assets')
export class AssetEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Deterministic human-readable key, e.g. `btc:bitcoin`. */
  @Index('uq_assets_asset_key', { unique: true })
  @Column('text', { name: 'asset_key' })
  assetKey: string;

  @Index('ix_assets_symbol')
  @Column('text')
  symbol: string;

  @Column('text')
  name: string;

  @Column('int', { nullable: true })
  rank: number | null;

  @Column('boolean', { name: 'needs_review', default: false })
  needsReview: boolean;

  @Column('text', { name: 'review_reason', nullable: true })
  reviewReason: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
