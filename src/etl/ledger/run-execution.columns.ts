import { Column } from 'typeorm';

/**
 * What the ledger records of any execution, a whole run or one source inside it: its status, the
 * process that ran it, and when it started, ended and how long it took. Not a table of its own.
 */
export abstract class RunExecutionColumns {
  /** running | succeeded | partial | failed | rate_limited | abandoned | skipped | cancelled */
  @Column('text')
  status: string;

  @Column('text', { name: 'instance_id' })
  instanceId: string;

  @Column('timestamptz', { name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('int', { name: 'duration_ms', nullable: true })
  durationMs: number | null;
}
