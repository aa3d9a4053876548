import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssetEntity } from './asset.entity.js';

/** Maps a source's own id for a coin to the canonical asset, with how and how surely it was matched. */
@Entity('asset_source_ids')
export class AssetSourceIdEntity {
  @PrimaryColumn('text')
  source: string;

  @PrimaryColumn('text', { name: 'source_asset_id' })
  sourceAssetId: string;

  @Index('ix_asset_source_ids_asset')
  @Column('uuid', { name: 'asset_id' })
  assetId: string;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'fk_asset_source_ids_asset' })
  asset?: AssetEntity;

  /** existing | crosswalk | symbol_name | symbol_name_rank | override | manual | new */
  @Column('text', { name: 'match_method' })
  matchMethod: string;

  @Column('numeric', { precision: 4, scale: 3 })
  confidence: string;

  @Column('text')
  symbol: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('int', { nullable: true })
  rank: number | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
