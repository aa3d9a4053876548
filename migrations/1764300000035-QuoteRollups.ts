import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 1h / 1d rollups of market_quotes per asset and source (served by GET /assets/{id}/history),
 * built here for the quotes already stored: hours from the raw quotes, days from the hours (the
 * same definitions as the batch step and `etl rollups --rebuild`).
 */
export class QuoteRollups1764300000035 implements MigrationInterface {
  name = 'QuoteRollups1764300000035';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "quote_rollups" ("asset_id" uuid NOT NULL, "bucket_interval" text NOT NULL, "bucket_start" TIMESTAMP WITH TIME ZONE NOT NULL, "source" text NOT NULL, "open" numeric NOT NULL, "high" numeric NOT NULL, "low" numeric NOT NULL, "close" numeric NOT NULL, "volume" numeric, "observations" integer NOT NULL, "open_at" TIMESTAMP WITH TIME ZONE NOT NULL, "close_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_quote_rollups_interval" CHECK ("bucket_interval" IN ('1h', '1d')), CONSTRAINT "PK_quote_rollups" PRIMARY KEY ("asset_id", "bucket_interval", "bucket_start", "source"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_quote_rollups_interval_start" ON "quote_rollups" ("bucket_interval", "bucket_start") `,
    );
    await queryRunner.query(
      `ALTER TABLE "quote_rollups" ADD CONSTRAINT "fk_quote_rollups_asset" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    const hour = `(date_trunc('hour', q.observed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
    await queryRunner.query(
      `INSERT INTO quote_rollups (bucket_interval, asset_id, source, bucket_start, open, high, low, close, volume, observations, open_at, close_at)
       SELECT '1h', q.asset_id, q.source, ${hour},
              (array_agg(q.price_usd ORDER BY q.observed_at))[1], max(q.price_usd), min(q.price_usd),
              (array_agg(q.price_usd ORDER BY q.observed_at DESC))[1], (array_agg(q.volume_24h_usd ORDER BY q.observed_at DESC))[1],
              count(*)::int, min(q.observed_at), max(q.observed_at)
         FROM market_quotes q GROUP BY q.asset_id, q.source, ${hour}`,
    );
    const day = `(date_trunc('day', h.bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
    await queryRunner.query(
      `INSERT INTO quote_rollups (bucket_interval, asset_id, source, bucket_start, open, high, low, close, volume, observations, open_at, close_at)
       SELECT '1d', h.asset_id, h.source, ${day},
              (array_agg(h.open ORDER BY h.bucket_start))[1], max(h.high), min(h.low),
              (array_agg(h.close ORDER BY h.bucket_start DESC))[1], (array_agg(h.volume ORDER BY h.bucket_start DESC))[1],
              sum(h.observations)::int, min(h.open_at), max(h.close_at)
         FROM quote_rollups h WHERE h.bucket_interval = '1h' GROUP BY h.asset_id, h.source, ${day}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "quote_rollups"`);
  }
}
