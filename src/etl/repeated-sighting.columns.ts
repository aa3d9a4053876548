import { Column, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Something a stream of a source keeps showing (a drift, a row that fails validation), stored once
 * and counted: each new sighting bumps `occurrences` and `last_seen_at` and records its run. Not a
 * table of its own.
 */
export abstract class RepeatedSightingColumns {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('text')
  source: string;

  @Column('text')
  stream: string;

  @Column('int', { default: 1 })
  occurrences: number;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;

  @Column('timestamptz', { name: 'first_seen_at', default: () => 'now()' })
  firstSeenAt: Date;

  @Column('timestamptz', { name: 'last_seen_at', default: () => 'now()' })
  lastSeenAt: Date;
}
