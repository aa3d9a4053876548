import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DriftFieldKeyColumns } from './drift-field-key.columns.js';

/** A rename an admin rejected (POST /drift-events/{id}/reject): never applied again for that stream. */
@Entity('drift_rejected_renames')
export class DriftRejectedRenameEntity extends DriftFieldKeyColumns {
  @PrimaryColumn('text')
  candidate: string;

  /** The drift event the admin rejected. */
  @Column('bigint', { name: 'drift_event_id', nullable: true })
  driftEventId: string | null;

  @Column('timestamptz', { name: 'rejected_at', default: () => 'now()' })
  rejectedAt: Date;
}
