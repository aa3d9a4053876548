import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * latest_quotes: each source's newest quote per asset, backfilled from market_quotes by a skip scan
 * of the (asset_id, source, observed_at) unique index (one probe per asset and source, not a sort of
 * the whole history). price_events: the price stream's recent events (SSE ids, Last-Event-ID replay).
 */
export class LatestQuotesAndPriceEvents1764300000030 implements MigrationInterface {
  name = 'LatestQuotesAndPriceEvents1764300000030';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "latest_quotes" ("asset_id" uuid NOT NULL, "source" text NOT NULL, "source_asset_id" text NOT NULL,
         "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "price_usd" numeric NOT NULL, "market_cap_usd" numeric,
         "volume_24h_usd" numeric, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "PK_latest_quotes" PRIMARY KEY ("asset_id", "source"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "latest_quotes" ADD CONSTRAINT "fk_latest_quotes_asset" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `WITH RECURSIVE pairs AS (
         (SELECT asset_id, source FROM market_quotes ORDER BY asset_id, source LIMIT 1)
         UNION ALL
         SELECT n.asset_id, n.source FROM pairs p CROSS JOIN LATERAL (
           SELECT q.asset_id, q.source FROM market_quotes q
            WHERE (q.asset_id, q.source) > (p.asset_id, p.source) ORDER BY q.asset_id, q.source LIMIT 1) n
       )
       INSERT INTO "latest_quotes" (asset_id, source, source_asset_id, observed_at, price_usd, market_cap_usd, volume_24h_usd)
       SELECT l.asset_id, l.source, l.source_asset_id, l.observed_at, l.price_usd, l.market_cap_usd, l.volume_24h_usd
         FROM pairs p CROSS JOIN LATERAL (
           SELECT q.asset_id, q.source, q.source_asset_id, q.observed_at, q.price_usd, q.market_cap_usd, q.volume_24h_usd
             FROM market_quotes q WHERE q.asset_id = p.asset_id AND q.source = p.source
            ORDER BY q.observed_at DESC LIMIT 1) l`,
    );
    await queryRunner.query(
      `CREATE TABLE "price_events" ("id" BIGSERIAL NOT NULL, "asset_id" uuid NOT NULL, "symbol" text NOT NULL,
         "consensus_price_usd" numeric, "sources" jsonb NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_price_events" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_price_events_asset_id" ON "price_events" ("asset_id", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_price_events_created_at" ON "price_events" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "price_events"`);
    await queryRunner.query(`DROP TABLE "latest_quotes"`);
  }
}
