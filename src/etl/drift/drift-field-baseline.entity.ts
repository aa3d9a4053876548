import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DriftFieldKeyColumns } from './drift-field-key.columns.js';

/**
 * The last accepted value of one numeric field for one asset of a stream: what the rename rule
 * compares a candidate's values with. Float8: the value is only compared by ratio.
 */
@Entity('drift_field_baselines')
export class DriftFieldBaselineEntity extends DriftFieldKeyColumns {
  /** The mapper's source asset id. */
  @PrimaryColumn('text', { name: 'asset_key' })
  assetKey: string;

  @Column('double precision')
  value: number;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
