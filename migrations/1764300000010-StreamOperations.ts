import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stream operations (issue 17 §2): quarantined rows can be resolved by a replay (kept, with the run
 * that resolved them), and a run can be asked to cancel from any process (cancel_requested_at, read
 * by the runner at each batch boundary by primary key). Backfills: their requests and per-chunk
 * progress (resumable after a crash), and the provenance of every quote (`incremental` or `backfill`).
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
    await queryRunner.query(`ALTER TABLE "etl_runs" ADD COLUMN "backfill_id" bigint`);
    await queryRunner.query(`ALTER TABLE "market_quotes" ADD COLUMN "provenance" text NOT NULL DEFAULT 'incremental'`);
    await queryRunner.query(`CREATE TABLE "etl_backfills" (
      "id" BIGSERIAL NOT NULL, "source" text NOT NULL, "assets" text array NOT NULL,
      "range_from" TIMESTAMP WITH TIME ZONE NOT NULL, "range_to" TIMESTAMP WITH TIME ZONE NOT NULL,
      "status" text NOT NULL DEFAULT 'queued', "error_message" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE,
      "finished_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_etl_backfills" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_etl_backfills_status" ON "etl_backfills" ("status", "id")`);
    await queryRunner.query(`CREATE TABLE "etl_backfill_chunks" (
      "backfill_id" bigint NOT NULL, "asset" text NOT NULL, "chunk_index" integer NOT NULL,
      "range_from" TIMESTAMP WITH TIME ZONE NOT NULL, "range_to" TIMESTAMP WITH TIME ZONE NOT NULL,
      "done_at" TIMESTAMP WITH TIME ZONE, "run_id" bigint,
      CONSTRAINT "PK_etl_backfill_chunks" PRIMARY KEY ("backfill_id", "asset", "chunk_index"))`);
    await queryRunner.query(`ALTER TABLE "etl_backfill_chunks" ADD CONSTRAINT "fk_etl_backfill_chunks_backfill"
      FOREIGN KEY ("backfill_id") REFERENCES "etl_backfills"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "etl_backfill_chunks"`);
    await queryRunner.query(`DROP INDEX "public"."ix_etl_backfills_status"`);
    await queryRunner.query(`DROP TABLE "etl_backfills"`);
    await queryRunner.query(`ALTER TABLE "market_quotes" DROP COLUMN "provenance"`);
    await queryRunner.query(`ALTER TABLE "etl_runs" DROP COLUMN "backfill_id"`);
    await queryRunner.query(`ALTER TABLE "etl_runs" DROP COLUMN "cancel_requested_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_quarantined_records_source_status"`);
    await queryRunner.query(`ALTER TABLE "quarantined_records"
      DROP COLUMN "resolved_at", DROP COLUMN "resolved_by_run_id", DROP COLUMN "status"`);
  }
}
