import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { RunExecutionColumns } from './run-execution.columns.js';

/** One ETL run (any trigger); its per-source detail is in etl_source_runs. Status and timing: RunExecutionColumns. */
@Entity('etl_runs')
@Index('ix_etl_runs_started', ['startedAt'])
export class EtlRunEntity extends RunExecutionColumns {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** schedule | startup | manual | cli | replay | backfill */
  @Column('text')
  trigger: string;

  @Column('text', { array: true })
  sources: string[];

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
