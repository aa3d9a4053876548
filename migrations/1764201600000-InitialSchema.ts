import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The canonical schema: raw payloads, assets and their per-source ids, market quotes, news and
 * mentions, the run ledger, checkpoints, drift events and quarantine. Money and supply are numeric.
 * Generated from the entities by TypeORM's schema builder, then reviewed by hand.
 */
export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "assets" ("id" uuid NOT NULL, "asset_key" text NOT NULL, "symbol" text NOT NULL, "name" text NOT NULL, "rank" integer, "needs_review" boolean NOT NULL DEFAULT false, "review_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_da96729a8b113377cfb6a62439c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_assets_asset_key" ON "assets" ("asset_key")`);
    await queryRunner.query(`CREATE INDEX "ix_assets_symbol" ON "assets" ("symbol")`);
    await queryRunner.query(
      `CREATE TABLE "asset_source_ids" ("source" text NOT NULL, "source_asset_id" text NOT NULL, "asset_id" uuid NOT NULL, "match_method" text NOT NULL, "confidence" numeric(4,3) NOT NULL, "symbol" text NOT NULL, "name" text, "rank" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a01ebbab088fa6cd14696725979" PRIMARY KEY ("source", "source_asset_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_asset_source_ids_asset" ON "asset_source_ids" ("asset_id")`);
    await queryRunner.query(
      `CREATE TABLE "market_quotes" ("id" BIGSERIAL NOT NULL, "asset_id" uuid NOT NULL, "source" text NOT NULL, "source_asset_id" text NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "price_usd" numeric NOT NULL, "market_cap_usd" numeric, "volume_24h_usd" numeric, "change_24h_pct" numeric, "rank" integer, "circulating_supply" numeric, "total_supply" numeric, "max_supply" numeric, "content_hash" text NOT NULL, "run_id" bigint, "ingested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_market_quotes_asset_source_observed" UNIQUE ("asset_id", "source", "observed_at"), CONSTRAINT "PK_4a1928e441a3153019d5e53301d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_market_quotes_price_id" ON "market_quotes" ("price_usd", "id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_market_quotes_source_observed_id" ON "market_quotes" ("source", "observed_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_market_quotes_asset_observed_id" ON "market_quotes" ("asset_id", "observed_at", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_market_quotes_observed_id" ON "market_quotes" ("observed_at", "id")`);
    await queryRunner.query(
      `CREATE TABLE "news_items" ("id" BIGSERIAL NOT NULL, "source" text NOT NULL, "feed_url" text NOT NULL, "dedupe_key" text NOT NULL, "guid" text, "title" text NOT NULL, "link" text NOT NULL, "summary" text, "author" text, "categories" text array NOT NULL DEFAULT '{}', "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, "content_hash" text NOT NULL, "run_id" bigint, "ingested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_news_items_source_dedupe" UNIQUE ("source", "dedupe_key"), CONSTRAINT "PK_4b3130d2448c08413a7687d946c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_news_items_published_id" ON "news_items" ("published_at", "id")`);
    await queryRunner.query(
      `CREATE TABLE "news_asset_mentions" ("news_id" bigint NOT NULL, "asset_id" uuid NOT NULL, "confidence" numeric(4,3) NOT NULL, "matched" text NOT NULL, CONSTRAINT "PK_a2b9b600a3a101f9e1efdd2f5cb" PRIMARY KEY ("news_id", "asset_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_news_asset_mentions_asset" ON "news_asset_mentions" ("asset_id")`);
    await queryRunner.query(
      `CREATE TABLE "etl_checkpoints" ("source" text NOT NULL, "stream" text NOT NULL, "cursor" jsonb NOT NULL, "run_id" bigint, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0f08d8cef4cdab7f37bdead3b4d" PRIMARY KEY ("source", "stream"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "drift_events" ("id" BIGSERIAL NOT NULL, "source" text NOT NULL, "stream" text NOT NULL, "kind" text NOT NULL, "field" text NOT NULL, "candidate" text NOT NULL DEFAULT '', "confidence" numeric(4,3), "severity" text NOT NULL, "action" text NOT NULL, "details" jsonb, "occurrences" integer NOT NULL DEFAULT '1', "run_id" bigint, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_drift_events_identity" UNIQUE ("source", "stream", "kind", "field", "candidate"), CONSTRAINT "PK_58743faa447e8e03e94367c48ce" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_drift_events_last_seen" ON "drift_events" ("last_seen_at")`);
    await queryRunner.query(
      `CREATE TABLE "quarantined_records" ("id" BIGSERIAL NOT NULL, "source" text NOT NULL, "stream" text NOT NULL, "natural_key" text, "payload" jsonb NOT NULL, "payload_hash" text NOT NULL, "reason" text NOT NULL, "occurrences" integer NOT NULL DEFAULT '1', "run_id" bigint, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_quarantined_records_payload" UNIQUE ("source", "stream", "payload_hash"), CONSTRAINT "PK_c424c2212e5bf98dae1df5da894" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_quarantined_records_last_seen" ON "quarantined_records" ("last_seen_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "raw_records" ("id" BIGSERIAL NOT NULL, "source" text NOT NULL, "stream" text NOT NULL, "natural_key" text NOT NULL, "payload" jsonb NOT NULL, "payload_hash" text NOT NULL, "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL, "run_id" bigint, CONSTRAINT "uq_raw_records_natural_key" UNIQUE ("source", "stream", "natural_key"), CONSTRAINT "PK_f936fff10e9ab9e7cc03dc87368" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "etl_runs" ("id" BIGSERIAL NOT NULL, "trigger" text NOT NULL, "status" text NOT NULL, "sources" text array NOT NULL, "instance_id" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "duration_ms" integer, CONSTRAINT "PK_3f25aec7902d3464bcaaf01653c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_etl_runs_started" ON "etl_runs" ("started_at")`);
    await queryRunner.query(
      `CREATE TABLE "etl_source_runs" ("id" BIGSERIAL NOT NULL, "run_id" bigint NOT NULL, "source" text NOT NULL, "status" text NOT NULL, "instance_id" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "duration_ms" integer, "records_extracted" integer NOT NULL DEFAULT '0', "records_inserted" integer NOT NULL DEFAULT '0', "records_updated" integer NOT NULL DEFAULT '0', "records_unchanged" integer NOT NULL DEFAULT '0', "records_quarantined" integer NOT NULL DEFAULT '0', "retries" integer NOT NULL DEFAULT '0', "rate_limit_wait_ms" integer NOT NULL DEFAULT '0', "cursor_before" jsonb, "cursor_after" jsonb, "error_class" text, "error_message" text, "schema_fingerprint" text, CONSTRAINT "PK_6de7a2a2ec17684969719a3b70b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_etl_source_runs_run" ON "etl_source_runs" ("run_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_etl_source_runs_source_started" ON "etl_source_runs" ("source", "started_at")`,
    );
    await queryRunner.query(
      `ALTER TABLE "asset_source_ids" ADD CONSTRAINT "fk_asset_source_ids_asset" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "market_quotes" ADD CONSTRAINT "fk_market_quotes_asset" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "news_asset_mentions" ADD CONSTRAINT "fk_news_asset_mentions_news" FOREIGN KEY ("news_id") REFERENCES "news_items"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "news_asset_mentions" ADD CONSTRAINT "fk_news_asset_mentions_asset" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "etl_source_runs" ADD CONSTRAINT "fk_etl_source_runs_run" FOREIGN KEY ("run_id") REFERENCES "etl_runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "etl_source_runs" DROP CONSTRAINT "fk_etl_source_runs_run"`);
    await queryRunner.query(`ALTER TABLE "news_asset_mentions" DROP CONSTRAINT "fk_news_asset_mentions_asset"`);
    await queryRunner.query(`ALTER TABLE "news_asset_mentions" DROP CONSTRAINT "fk_news_asset_mentions_news"`);
    await queryRunner.query(`ALTER TABLE "market_quotes" DROP CONSTRAINT "fk_market_quotes_asset"`);
    await queryRunner.query(`ALTER TABLE "asset_source_ids" DROP CONSTRAINT "fk_asset_source_ids_asset"`);
    await queryRunner.query(`DROP INDEX "public"."ix_etl_source_runs_source_started"`);
    await queryRunner.query(`DROP INDEX "public"."ix_etl_source_runs_run"`);
    await queryRunner.query(`DROP TABLE "etl_source_runs"`);
    await queryRunner.query(`DROP INDEX "public"."ix_etl_runs_started"`);
    await queryRunner.query(`DROP TABLE "etl_runs"`);
    await queryRunner.query(`DROP TABLE "raw_records"`);
    await queryRunner.query(`DROP INDEX "public"."ix_quarantined_records_last_seen"`);
    await queryRunner.query(`DROP TABLE "quarantined_records"`);
    await queryRunner.query(`DROP INDEX "public"."ix_drift_events_last_seen"`);
    await queryRunner.query(`DROP TABLE "drift_events"`);
    await queryRunner.query(`DROP TABLE "etl_checkpoints"`);
    await queryRunner.query(`DROP INDEX "public"."ix_news_asset_mentions_asset"`);
    await queryRunner.query(`DROP TABLE "news_asset_mentions"`);
    await queryRunner.query(`DROP INDEX "public"."ix_news_items_published_id"`);
    await queryRunner.query(`DROP TABLE "news_items"`);
    await queryRunner.query(`DROP INDEX "public"."ix_market_quotes_observed_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_market_quotes_asset_observed_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_market_quotes_source_observed_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_market_quotes_price_id"`);
    await queryRunner.query(`DROP TABLE "market_quotes"`);
    await queryRunner.query(`DROP INDEX "public"."ix_asset_source_ids_asset"`);
    await queryRunner.query(`DROP TABLE "asset_source_ids"`);
    await queryRunner.query(`DROP INDEX "public"."ix_assets_symbol"`);
    await queryRunner.query(`DROP INDEX "public"."uq_assets_asset_key"`);
    await queryRunner.query(`DROP TABLE "assets"`);
  }
}
