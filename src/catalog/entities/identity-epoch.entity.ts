import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row counting the identity re-decisions that moved a source id to another asset. A run's cache
 * of resolved ids remembers the value it was filled at and drops itself when the value moved.
 */
@Entity('identity_epoch')
export class IdentityEpochEntity {
  @PrimaryColumn('smallint', { primaryKeyConstraintName: 'PK_identity_epoch' })
  id: number;

  @Column('bigint', { default: '0' })
  value: string;
}
