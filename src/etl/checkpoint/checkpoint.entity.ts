import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The committed position of one stream of one source. Written in the same transaction as its batch. */
@Entity('etl_checkpoints')
export class CheckpointEntity {
  @PrimaryColumn('text')
  source: string;

  @PrimaryColumn('text')
  stream: string;

  @Column('jsonb')
  cursor: unknown;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
