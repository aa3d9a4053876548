import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rename rule's state: each rename event gets a status (applied | proposed | rejected) and its
 * evidence; renames an admin rejected are kept so they are never applied again; and the last
 * accepted value per (source, stream, field, asset) that a candidate's values are compared with.
 */
export class DriftRenameEvidence1764300000004 implements MigrationInterface {
  name = 'DriftRenameEvidence1764300000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "drift_events" ADD "status" text`);
    await queryRunner.query(`ALTER TABLE "drift_events" ADD "evidence" jsonb`);
    // Renames recorded before the rule existed were applied when their action says so.
    await queryRunner.query(
      `UPDATE "drift_events" SET "status" = CASE WHEN "action" = 'applied' THEN 'applied' ELSE 'rejected' END
        WHERE "kind" = 'renamed'`,
    );
    await queryRunner.query(
      `CREATE TABLE "drift_rejected_renames" ("source" text NOT NULL, "stream" text NOT NULL, "field" text NOT NULL, "candidate" text NOT NULL, "drift_event_id" bigint, "rejected_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_120bb2d71730f3a45e352f8d158" PRIMARY KEY ("source", "stream", "field", "candidate"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "drift_field_baselines" ("source" text NOT NULL, "stream" text NOT NULL, "field" text NOT NULL, "asset_key" text NOT NULL, "value" double precision NOT NULL, "run_id" bigint, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ba4908a8a0be7e23bffdc1d6f5" PRIMARY KEY ("source", "stream", "field", "asset_key"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "drift_field_baselines"`);
    await queryRunner.query(`DROP TABLE "drift_rejected_renames"`);
    await queryRunner.query(`ALTER TABLE "drift_events" DROP COLUMN "evidence"`);
    await queryRunner.query(`ALTER TABLE "drift_events" DROP COLUMN "status"`);
  }
}
