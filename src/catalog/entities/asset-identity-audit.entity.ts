import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One operator correction of identity (merge, split, confirm), append-only. `before`/`after` hold
 * what changed (rows moved, quotes dropped as duplicates) so nothing is lost without a record;
 * `result` is the response the operation gave, replayed when the same request comes again.
 */
@Entity('asset_identity_audit')
@Index('ix_asset_identity_audit_asset', ['assetId', 'id'])
@Index('ix_asset_identity_audit_other_asset', ['otherAssetId', 'id'])
export class AssetIdentityAuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_asset_identity_audit' })
  id: string;

  /** merge | split | confirm */
  @Column('text')
  action: string;

  /** The asset the request was addressed to (the survivor of a merge). */
  @Column('uuid', { name: 'asset_id' })
  assetId: string;

  /** The other asset involved: the absorbed one of a merge, the new one of a split. */
  @Column('uuid', { name: 'other_asset_id', nullable: true })
  otherAssetId: string | null;

  @Column('text')
  actor: string;

  @Column('text', { name: 'request_id', nullable: true })
  requestId: string | null;

  @Column('jsonb')
  request: unknown;

  @Column('jsonb')
  before: unknown;

  @Column('jsonb')
  after: unknown;

  @Column('jsonb')
  result: unknown;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
