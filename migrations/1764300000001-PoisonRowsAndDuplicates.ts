import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, sections 1 and 6. The quarantine accepts any payload: one jsonb refuses (NUL, an
 * unpaired surrogate) is kept as JSON text in `payload_text` (a check keeps one of the two set).
 * The source-run ledger counts `duplicate` rows, so that extracted = inserted + updated +
 * unchanged + duplicate + quarantined holds for every source run.
 */
export class PoisonRowsAndDuplicates1764300000001 implements MigrationInterface {
  name = 'PoisonRowsAndDuplicates1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "quarantined_records" ALTER COLUMN "payload" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "quarantined_records" ADD "payload_text" text`);
    await queryRunner.query(`ALTER TABLE "quarantined_records" ADD CONSTRAINT "ck_quarantined_records_payload"
      CHECK ("payload" IS NOT NULL OR "payload_text" IS NOT NULL)`);
    await queryRunner.query(`ALTER TABLE "etl_source_runs" ADD "records_duplicate" integer NOT NULL DEFAULT '0'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "etl_source_runs" DROP COLUMN "records_duplicate"`);
    await queryRunner.query(`ALTER TABLE "quarantined_records" DROP CONSTRAINT "ck_quarantined_records_payload"`);
    // Text-only payloads cannot go back into a NOT NULL jsonb column: those rows are dropped.
    await queryRunner.query(`DELETE FROM "quarantined_records" WHERE "payload" IS NULL`);
    await queryRunner.query(`ALTER TABLE "quarantined_records" DROP COLUMN "payload_text"`);
    await queryRunner.query(`ALTER TABLE "quarantined_records" ALTER COLUMN "payload" SET NOT NULL`);
  }
}
