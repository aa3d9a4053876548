import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stream operations (issue 17 §2): quarantined rows can be resolved by a replay (kept, with the run
 * that resolved them), and a run can be asked to cancel from any process (cancel_requested_at, read
 * by the runner at each batch boundary by primary key).
 */
export class StreamOperations1764300000010 implements MigrationInterface {
  name = 'StreamOperations1764300000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "quarantined_records"
      ADD COLUMN "status" text NOT NULL DEFAULT 'open',
      ADD COLUMN "resolved_by_run_id" bigint,
      ADD COLUMN "resolved_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "ix_quarantined_records_source_status" ON "quarantined_records" ("source", "status", "id")`,
    );
    await queryRunner.query(`ALTER TABLE "etl_runs" ADD COLUMN "cancel_requested_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "etl_runs" DROP COLUMN "cancel_requested_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_quarantined_records_source_status"`);
    await queryRunner.query(`ALTER TABLE "quarantined_records"
      DROP COLUMN "resolved_at", DROP COLUMN "resolved_by_run_id", DROP COLUMN "status"`);
  }
}
