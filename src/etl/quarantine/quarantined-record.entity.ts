import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { RepeatedSightingColumns } from '../repeated-sighting.columns.js';

/** A row that could not be validated or mapped, kept with its payload and the reason. */
@Entity('quarantined_records')
@Unique('uq_quarantined_records_payload', ['source', 'stream', 'payloadHash'])
@Index('ix_quarantined_records_last_seen', ['lastSeenAt'])
@Check('ck_quarantined_records_payload', `"payload" IS NOT NULL OR "payload_text" IS NOT NULL`)
@Index('ix_quarantined_records_source_status', ['source', 'status', 'id'])
export class QuarantinedRecordEntity extends RepeatedSightingColumns {
  @Column('text', { name: 'natural_key', nullable: true })
  naturalKey: string | null;

  /** The payload as received; null when jsonb cannot hold it (see payloadText). */
  @Column('jsonb', { nullable: true })
  payload: unknown;

  /** The payload's JSON text, when jsonb refuses it (a NUL `\u0000` or an unpaired surrogate in a string). */
  @Column('text', { name: 'payload_text', nullable: true })
  payloadText: string | null;

  @Column('text', { name: 'payload_hash' })
  payloadHash: string;

  @Column('text')
  reason: string;

  /** `open` until a replay loads the row (`resolved`, kept with the run that resolved it). */
  @Column('text', { default: 'open' })
  status: 'open' | 'resolved';

  @Column('bigint', { name: 'resolved_by_run_id', nullable: true })
  resolvedByRunId: string | null;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt: Date | null;
}
