import type { MigrationInterface, QueryRunner } from 'typeorm';

const COUNTS = [
  'records_extracted',
  'records_inserted',
  'records_updated',
  'records_unchanged',
  'records_quarantined',
  'records_duplicate',
];

/**
 * A source run's record counts as bigint: one backfill or CSV drop of more than 2^31 rows would
 * overflow an int4 column (the ledger is small: the rewrite is quick).
 */
export class LedgerCountsBigint1764300000026 implements MigrationInterface {
  name = 'LedgerCountsBigint1764300000026';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "etl_source_runs" ${COUNTS.map((c) => `ALTER COLUMN "${c}" TYPE bigint`).join(', ')}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "etl_source_runs" ${COUNTS.map((c) => `ALTER COLUMN "${c}" TYPE integer`).join(', ')}`,
    );
  }
}
