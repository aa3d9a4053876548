import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Rows stored per source in a table that grows without bound (quotes, news, quarantine), kept in
 * the transaction that changes them so /stats and list totals never count the table per request.
 */
@Entity('source_counters')
export class SourceCounterEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_source_counters' })
  source: string;

  @PrimaryColumn('text', { name: 'table_name', primaryKeyConstraintName: 'pk_source_counters' })
  tableName: string;

  @Column('bigint', { default: 0 })
  rows: string;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
