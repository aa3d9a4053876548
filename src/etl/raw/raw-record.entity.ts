import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The upstream payload exactly as received, one row per natural key and observation instant,
 * replaced only when its hash changes. Range partitioned by observed_at (migration
 * 1764300000020): the instant the payload was mapped to, so a payload lives, and is dropped by
 * RAW_RETENTION_DAYS, in the same time range as the rows it produced.
 */
@Entity('raw_records')
export class RawRecordEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_raw_records' })
  source: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_raw_records' })
  stream: string;

  @PrimaryColumn('text', { name: 'natural_key', primaryKeyConstraintName: 'pk_raw_records' })
  naturalKey: string;

  @PrimaryColumn('timestamptz', { name: 'observed_at', primaryKeyConstraintName: 'pk_raw_records' })
  observedAt: Date;

  @Column('jsonb')
  payload: unknown;

  @Column('text', { name: 'payload_hash' })
  payloadHash: string;

  @Column('timestamptz', { name: 'fetched_at' })
  fetchedAt: Date;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;
}
