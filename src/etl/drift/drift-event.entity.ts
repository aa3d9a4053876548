import { Column, Entity, Index, Unique } from 'typeorm';
import { RepeatedSightingColumns } from '../repeated-sighting.columns.js';

/** One kind of schema drift on one field of a stream; repeated sightings bump `occurrences` (RepeatedSightingColumns). */
@Entity('drift_events')
@Unique('uq_drift_events_identity', ['source', 'stream', 'kind', 'field', 'candidate'])
@Index('ix_drift_events_last_seen', ['lastSeenAt'])
export class DriftEventEntity extends RepeatedSightingColumns {
  /** added | missing | type_changed | renamed */
  @Column('text')
  kind: string;

  @Column('text')
  field: string;

  /** For renames: the observed field believed to replace `field`; '' otherwise. */
  @Column('text', { default: '' })
  candidate: string;

  @Column('numeric', { precision: 4, scale: 3, nullable: true })
  confidence: string | null;

  /** info | warning | critical */
  @Column('text')
  severity: string;

  /** applied | quarantined | logged */
  @Column('text')
  action: string;

  @Column('jsonb', { nullable: true })
  details: unknown;

  /** Renames only: applied | proposed | rejected (by the rename rule or an admin). */
  @Column('text', { nullable: true })
  status: string | null;

  /** Renames only: the rename rule's checks and their outcome (rename-rule.ts RenameEvidence). */
  @Column('jsonb', { nullable: true })
  evidence: unknown;
}
