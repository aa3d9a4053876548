import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator corrections of identity (merge, split, review): an append-only audit of every change,
 * and the redirects that keep an absorbed asset id answering (308 to the survivor).
 */
export class AssetIdentityAudit1764300000008 implements MigrationInterface {
  name = 'AssetIdentityAudit1764300000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "asset_identity_audit" (
      "id" BIGSERIAL NOT NULL, "action" text NOT NULL, "asset_id" uuid NOT NULL, "other_asset_id" uuid,
      "actor" text NOT NULL, "request_id" text, "request" jsonb NOT NULL, "before" jsonb NOT NULL,
      "after" jsonb NOT NULL, "result" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_asset_identity_audit" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE INDEX "ix_asset_identity_audit_asset" ON "asset_identity_audit" ("asset_id", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_asset_identity_audit_other_asset" ON "asset_identity_audit" ("other_asset_id", "id")`,
    );
    await queryRunner.query(`CREATE TABLE "asset_redirects" (
      "from_asset_id" uuid NOT NULL, "to_asset_id" uuid NOT NULL, "audit_id" bigint NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_asset_redirects" PRIMARY KEY ("from_asset_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_asset_redirects_to" ON "asset_redirects" ("to_asset_id")`);
    await queryRunner.query(`ALTER TABLE "asset_redirects" ADD CONSTRAINT "fk_asset_redirects_to_asset"
      FOREIGN KEY ("to_asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "asset_redirects" DROP CONSTRAINT "fk_asset_redirects_to_asset"`);
    await queryRunner.query(`DROP INDEX "public"."ix_asset_redirects_to"`);
    await queryRunner.query(`DROP TABLE "asset_redirects"`);
    await queryRunner.query(`DROP INDEX "public"."ix_asset_identity_audit_other_asset"`);
    await queryRunner.query(`DROP INDEX "public"."ix_asset_identity_audit_asset"`);
    await queryRunner.query(`DROP TABLE "asset_identity_audit"`);
  }
}
