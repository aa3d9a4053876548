import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A rename an admin rejected (POST /drift-events/{id}/reject): never applied again for that stream. */
@Entity('drift_rejected_renames')
export class DriftRejectedRenameEntity {
  @PrimaryColumn('text')
  source: string;

  @PrimaryColumn('text')
  stream: string;

  @PrimaryColumn('text')
  field: string;

  @PrimaryColumn('text')
  candidate: string;

  /** The drift event the admin rejected. */
  @Column('bigint', { name: 'drift_event_id', nullable: true })
  driftEventId: string | null;

  @Column('timestamptz', { name: 'rejected_at', default: () => 'now()' })
  rejectedAt: Date;
}
