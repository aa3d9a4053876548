import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssetEntity } from './asset.entity.js';

/**
 * Maps a source's own id for a coin to the canonical asset, with how and how surely it was matched.
 * An asset holds at most one automatically matched id per source (only an operator's `override` or
 * `manual` mapping may add a second).
 */
@Entity('asset_source_ids')
@Index('ix_asset_source_ids_block', { synchronize: false })
@Index('uq_asset_source_ids_asset_source', ['assetId', 'source'], {
  unique: true,
  where: `match_method IN ('new', 'crosswalk', 'symbol_name', 'symbol_name_rank', 'symbol_name_market', 'symbol_market')`,
})
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

  /** new | crosswalk | symbol_name | symbol_name_market | symbol_market | override | manual (symbol_name_rank: older rows) */
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

  /**
   * The symbol block the id is decided in: its symbol as first seen (or its override key's symbol);
   * null means `symbol`. Indexed as `coalesce(match_symbol, symbol)` (migration IdentityEvidence).
   */
  @Column('text', { name: 'match_symbol', nullable: true })
  matchSymbol: string | null;

  /** What the source said when the id was first seen (name, rank, price, cap, time, crosswalk key). */
  @Column('jsonb', { default: () => "'{}'" })
  evidence: Record<string, unknown>;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
