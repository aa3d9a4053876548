import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One ETL run (any trigger); its per-source detail is in etl_source_runs. */
@Entity('etl_runs')
@Index('ix_etl_runs_started', ['startedAt'])
export class EtlRunEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** schedule | startup | manual | cli | replay | backfill */
  @Column('text')
  trigger: string;

  /** running | succeeded | partial | failed | rate_limited | abandoned | skipped | cancelled */
  @Column('text')
  status: string;

  @Column('text', { array: true })
  sources: string[];

  @Column('text', { name: 'instance_id' })
  instanceId: string;

  @Column('timestamptz', { name: 'started_at', default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('int', { name: 'duration_ms', nullable: true })
  durationMs: number | null;

  /** Set by DELETE /etl/runs/{id} (any process); the runner stops at its next batch boundary. */
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true })
  cancelRequestedAt: Date | null;

  /** The backfill this run executed (trigger `backfill`), if any. */
  @Column('bigint', { name: 'backfill_id', nullable: true })
  backfillId: string | null;

  /** What the run's anomaly check flagged, counted by rule (read by /metrics on every replica). */
  @Column('jsonb', { default: () => "'{}'" })
  anomalies: Record<string, number>;

  /** Assets whose fresh sources disagree beyond ETL_PRICE_DIVERGENCE_PCT; null until evaluated. */
  @Column('int', { name: 'divergent_assets', nullable: true })
  divergentAssets: number | null;

  /** Widest consensus spread (percent of the median) among multi-source assets; null until evaluated. */
  @Column('double precision', { name: 'max_spread_pct', nullable: true })
  maxSpreadPct: number | null;
}
