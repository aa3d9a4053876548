import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The upstream payload exactly as received, one row per natural key, replaced only when its hash changes. */
@Entity('raw_records')
@Unique('uq_raw_records_natural_key', ['source', 'stream', 'naturalKey'])
export class RawRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('text')
  source: string;

  @Column('text')
  stream: string;

  @Column('text', { name: 'natural_key' })
  naturalKey: string;

  @Column('jsonb')
  payload: unknown;

  @Column('text', { name: 'payload_hash' })
  payloadHash: string;

  @Column('timestamptz', { name: 'fetched_at' })
  fetchedAt: Date;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;
}
