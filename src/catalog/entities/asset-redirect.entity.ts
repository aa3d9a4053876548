import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssetEntity } from './asset.entity.js';

/** An asset id absorbed by a merge and the asset that survived it (chains are kept flat). */
@Entity('asset_redirects')
export class AssetRedirectEntity {
  @PrimaryColumn('uuid', { name: 'from_asset_id', primaryKeyConstraintName: 'PK_asset_redirects' })
  fromAssetId: string;

  @Index('ix_asset_redirects_to')
  @Column('uuid', { name: 'to_asset_id' })
  toAssetId: string;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'to_asset_id', foreignKeyConstraintName: 'fk_asset_redirects_to_asset' })
  toAsset?: AssetEntity;

  /** The merge that created (or last moved) this redirect. */
  @Column('bigint', { name: 'audit_id' })
  auditId: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
