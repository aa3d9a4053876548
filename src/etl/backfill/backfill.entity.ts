import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type BackfillStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A requested backfill: a source, its assets and a [from, to) range; progress is in its chunks. */
@Entity('etl_backfills')
@Index('ix_etl_backfills_status', ['status', 'id'])
export class BackfillEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_etl_backfills' })
  id: string;

  @Column('text')
  source: string;

  @Column('text', { array: true })
  assets: string[];

  /** Inclusive. */
  @Column('timestamptz', { name: 'range_from' })
  rangeFrom: Date;

  /** Exclusive. */
  @Column('timestamptz', { name: 'range_to' })
  rangeTo: Date;

  @Column('text', { default: 'queued' })
  status: BackfillStatus;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
