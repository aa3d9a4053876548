import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Who owns a source now: the fencing token grows on every acquisition of the source lock, and a
 * checkpoint write commits only with the current token (see SourceLeaseRepository).
 */
@Entity('source_leases')
export class SourceLeaseEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_source_leases' })
  source: string;

  @Column('bigint')
  token: string;

  @Column('bigint', { name: 'owner_source_run_id', nullable: true })
  ownerSourceRunId: string | null;

  @Column('text', { name: 'owner_instance' })
  ownerInstance: string;

  @Column('timestamptz', { name: 'acquired_at', default: () => 'now()' })
  acquiredAt: Date;
}
