import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BackfillEntity } from './backfill.entity.js';

/** One asset's slice of a backfill: done when its rows committed (same transaction as the last batch). */
@Entity('etl_backfill_chunks')
export class BackfillChunkEntity {
  @PrimaryColumn('bigint', { name: 'backfill_id', primaryKeyConstraintName: 'PK_etl_backfill_chunks' })
  backfillId: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_etl_backfill_chunks' })
  asset: string;

  @PrimaryColumn('int', { name: 'chunk_index', primaryKeyConstraintName: 'PK_etl_backfill_chunks' })
  chunkIndex: number;

  @ManyToOne(() => BackfillEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'backfill_id', foreignKeyConstraintName: 'fk_etl_backfill_chunks_backfill' })
  backfill?: BackfillEntity;

  @Column('timestamptz', { name: 'range_from' })
  rangeFrom: Date;

  @Column('timestamptz', { name: 'range_to' })
  rangeTo: Date;

  @Column('timestamptz', { name: 'done_at', nullable: true })
  doneAt: Date | null;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;
}
