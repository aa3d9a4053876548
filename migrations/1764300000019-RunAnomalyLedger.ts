import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The run ledger keeps what a run's anomaly check found (counts by rule, divergent assets, the widest
 * consensus spread), so every replica's /metrics can report it whatever process did the run.
 */
export class RunAnomalyLedger1764300000019 implements MigrationInterface {
  name = 'RunAnomalyLedger1764300000019';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "etl_runs" ADD "anomalies" jsonb NOT NULL DEFAULT '{}',
         ADD "divergent_assets" integer, ADD "max_spread_pct" double precision`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "etl_runs" DROP COLUMN "max_spread_pct", DROP COLUMN "divergent_assets", DROP COLUMN "anomalies"`,
    );
  }
}
