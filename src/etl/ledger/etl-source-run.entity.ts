import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EtlRunEntity } from './etl-run.entity.js';
import { RunExecutionColumns } from './run-execution.columns.js';

/** One source inside one run: status and timing (RunExecutionColumns), counts, cursors and the error if any. */
@Entity('etl_source_runs')
@Index('ix_etl_source_runs_source_started', ['source', 'startedAt'])
@Index('ix_etl_source_runs_run', ['runId'])
export class EtlSourceRunEntity extends RunExecutionColumns {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('bigint', { name: 'run_id' })
  runId: string;

  @ManyToOne(() => EtlRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_etl_source_runs_run' })
  run?: EtlRunEntity;

  @Column('text')
  source: string;

  @Column('timestamptz', { name: 'heartbeat_at', default: () => 'now()' })
  heartbeatAt: Date;

  @Column('bigint', { name: 'records_extracted', default: 0 })
  /** bigint: read as text by pg (exact). */
  recordsExtracted: string;

  @Column('bigint', { name: 'records_inserted', default: 0 })
  /** bigint: read as text by pg (exact). */
  recordsInserted: string;

  @Column('bigint', { name: 'records_updated', default: 0 })
  /** bigint: read as text by pg (exact). */
  recordsUpdated: string;

  @Column('bigint', { name: 'records_unchanged', default: 0 })
  /** bigint: read as text by pg (exact). */
  recordsUnchanged: string;

  @Column('bigint', { name: 'records_quarantined', default: 0 })
  /** bigint: read as text by pg (exact). */
  recordsQuarantined: string;

  /** Rows whose key (asset, source, instant; natural key; news key) the run had already seen. */
  @Column('bigint', { name: 'records_duplicate', default: 0 })
  /** bigint: read as text by pg (exact). */
  recordsDuplicate: string;

  @Column('int', { default: 0 })
  retries: number;

  /** Waiting for this process's own token bucket (`<SOURCE>_RATE_LIMIT_PER_MIN`). */
  @Column('int', { name: 'rate_limit_wait_ms', default: 0 })
  rateLimitWaitMs: number;

  /** Exponential-backoff sleeps between failed attempts (beyond what Retry-After asked for). */
  @Column('int', { name: 'backoff_wait_ms', default: 0 })
  backoffWaitMs: number;

  /** Waits an upstream asked for with Retry-After (capped in total by HTTP_RETRY_MAX_WAIT_MS). */
  @Column('int', { name: 'retry_after_wait_ms', default: 0 })
  retryAfterWaitMs: number;

  @Column('jsonb', { name: 'cursor_before', nullable: true })
  cursorBefore: unknown;

  @Column('jsonb', { name: 'cursor_after', nullable: true })
  cursorAfter: unknown;

  @Column('text', { name: 'error_class', nullable: true })
  errorClass: string | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  @Column('text', { name: 'schema_fingerprint', nullable: true })
  schemaFingerprint: string | null;
}
