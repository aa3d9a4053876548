import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fencing for the source lock: one row per source whose token grows on every acquisition. A batch
 * commits its checkpoint only while its run's token is still the current one (issue 17 §3).
 */
export class SourceLeases1764300000009 implements MigrationInterface {
  name = 'SourceLeases1764300000009';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "source_leases" ("source" text NOT NULL, "token" bigint NOT NULL,
      "owner_source_run_id" bigint, "owner_instance" text NOT NULL,
      "acquired_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "pk_source_leases" PRIMARY KEY ("source"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "source_leases"`);
  }
}
