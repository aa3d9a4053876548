import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The match methods the matcher decides on its own (operators' `override` and `manual` are not). */
const AUTOMATIC = `('new', 'crosswalk', 'symbol_name', 'symbol_name_rank', 'symbol_name_market', 'symbol_market')`;

/**
 * Order-independent identity (docs/IDENTITY.md): every source id keeps the evidence it was first
 * seen with (`match_symbol`, `evidence`), so a symbol block can be decided again from its members
 * alone; an asset holds at most one automatically matched id per source; `identity_epoch` counts
 * the re-decisions that moved an id, so a run's cache of resolved ids knows when to drop itself.
 */
export class IdentityEvidence1764300000006 implements MigrationInterface {
  name = 'IdentityEvidence1764300000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "asset_source_ids" ADD "match_symbol" text`);
    await queryRunner.query(`ALTER TABLE "asset_source_ids" ADD "evidence" jsonb NOT NULL DEFAULT '{}'`);
    // Existing rows: their current descriptive columns are the best evidence there is, and their
    // asset's symbol (the symbol the asset was created under) is their block. The crosswalk
    // keys the old catalog derived from the two providers' ids are written down once, here, so
    // existing crosswalk merges survive a re-decision (new rows get them from the plugins).
    await queryRunner.query(
      `UPDATE "asset_source_ids" m SET "match_symbol" = (SELECT a."symbol" FROM "assets" a WHERE a."id" = m."asset_id"), "evidence" = jsonb_strip_nulls(jsonb_build_object(
         'name', "name", 'rank', "rank",
         'crosswalkKey', CASE
           WHEN "source" = 'coingecko' AND "source_asset_id" !~ '-[0-9]+$'
             THEN lower("symbol") || ':' || regexp_replace(lower("source_asset_id"), '[^a-z0-9]', '', 'g')
           WHEN "source" = 'coinpaprika' AND lower("source_asset_id") LIKE lower("symbol") || '-%'
                AND substr(lower("source_asset_id"), length("symbol") + 2) !~ '(^|-)[0-9]+$'
             THEN lower("symbol") || ':' || regexp_replace(substr(lower("source_asset_id"), length("symbol") + 2), '[^a-z0-9]', '', 'g')
         END))`,
    );
    // A row written without it (tooling, older code) is in its symbol's block: hence the expression.
    await queryRunner.query(
      `CREATE INDEX "ix_asset_source_ids_block" ON "asset_source_ids" ((coalesce("match_symbol", "symbol")))`,
    );
    await this.splitSecondIdsOfOneSource(queryRunner);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_asset_source_ids_asset_source" ON "asset_source_ids" ("asset_id", "source") WHERE match_method IN ${AUTOMATIC}`,
    );
    await queryRunner.query(
      `CREATE TABLE "identity_epoch" ("id" smallint NOT NULL, "value" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_identity_epoch" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`INSERT INTO "identity_epoch" ("id", "value") VALUES (1, 0)`);
  }

  /**
   * Data written before this rule may hold two automatically matched ids of one source on one asset
   * (two coins merged): the oldest mapping stays, each other one moves, with its quotes, to an asset
   * of its own flagged for review, named as the matcher names unproven assets.
   */
  private async splitSecondIdsOfOneSource(queryRunner: QueryRunner): Promise<void> {
    const extra = (await queryRunner.query(
      `SELECT source, source_asset_id, asset_id, symbol, name, rank FROM (
         SELECT m.*, row_number() OVER (PARTITION BY asset_id, source ORDER BY created_at, source_asset_id) AS n
           FROM "asset_source_ids" m WHERE match_method IN ${AUTOMATIC}) t
        WHERE n > 1`,
    )) as Array<{
      source: string;
      source_asset_id: string;
      asset_id: string;
      symbol: string;
      name: string | null;
      rank: number | null;
    }>;
    for (const m of extra) {
      const key = `${m.symbol.toLowerCase()}:~${m.source}:${m.source_asset_id.toLowerCase()}`;
      const id = uuidV5(key);
      await queryRunner.query(
        `INSERT INTO "assets" (id, asset_key, symbol, name, rank, needs_review, review_reason) VALUES ($1, $2, $3, $4, $5, true, $6) ON CONFLICT (asset_key) DO NOTHING`,
        [
          id,
          key,
          m.symbol,
          m.name ?? m.symbol,
          m.rank,
          `split out by migration: asset ${m.asset_id} held a second ${m.source} id`,
        ],
      );
      await queryRunner.query(
        `UPDATE "asset_source_ids" SET asset_id = $3, match_method = 'new' WHERE source = $1 AND source_asset_id = $2`,
        [m.source, m.source_asset_id, id],
      );
      await queryRunner.query(
        `UPDATE "market_quotes" SET asset_id = $4 WHERE source = $1 AND source_asset_id = $2 AND asset_id = $3`,
        [m.source, m.source_asset_id, m.asset_id, id],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "identity_epoch"`);
    await queryRunner.query(`DROP INDEX "public"."uq_asset_source_ids_asset_source"`);
    await queryRunner.query(`DROP INDEX "public"."ix_asset_source_ids_block"`);
    await queryRunner.query(`ALTER TABLE "asset_source_ids" DROP COLUMN "evidence"`);
    await queryRunner.query(`ALTER TABLE "asset_source_ids" DROP COLUMN "match_symbol"`);
  }
}

/** The catalog's asset id (UUIDv5 of the key in its fixed namespace), frozen here as of this migration. */
function uuidV5(name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from('6f1c2b7e4a9d4c3f8e2a5b7c9d1e3f50', 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
