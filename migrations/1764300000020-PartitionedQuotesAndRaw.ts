import type { MigrationInterface, QueryRunner } from 'typeorm';

const QUOTE_COLUMNS = `"id" bigint NOT NULL DEFAULT nextval('market_quotes_id_seq'::regclass), "asset_id" uuid NOT NULL, "source" text NOT NULL,
  "source_asset_id" text NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "price_usd" numeric NOT NULL, "market_cap_usd" numeric,
  "volume_24h_usd" numeric, "change_24h_pct" numeric, "rank" integer, "circulating_supply" numeric, "total_supply" numeric, "max_supply" numeric,
  "content_hash" text NOT NULL, "run_id" bigint, "ingested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "provenance" text NOT NULL DEFAULT 'incremental'`;
const QUOTE_COLUMN_LIST = `"id", "asset_id", "source", "source_asset_id", "observed_at", "price_usd", "market_cap_usd", "volume_24h_usd", "change_24h_pct",
  "rank", "circulating_supply", "total_supply", "max_supply", "content_hash", "run_id", "ingested_at", "updated_at", "provenance"`;
const RAW_COLUMN_LIST = `"source", "stream", "natural_key", "payload", "payload_hash", "fetched_at", "run_id"`;

/**
 * market_quotes and raw_records become range partitioned by observation time (monthly here; the
 * service creates further partitions with QUOTES_PARTITION_INTERVAL, see src/catalog/partitions/). An
 * existing database keeps every row: the old table is renamed, the partitioned one created with a
 * partition per month the data covers plus a DEFAULT partition (kept empty by the service: it only
 * catches a row no partition was created for, and maintenance moves such rows out), the rows copied
 * with INSERT … SELECT, the constraints and indexes recreated, the old table dropped.
 *
 * Keys: every unique key holds the partition key (PostgreSQL requires it) and the asset. The
 * primary key of market_quotes becomes (observed_at, id), which also serves the /data order, so
 * the separate (observed_at, id) index goes. raw_records is keyed by (source, stream, natural_key,
 * observed_at), with `observed_at` the instant of the observation the payload was mapped to; its
 * surrogate `id` (read by nothing) is dropped. Rows stored before this migration get their
 * fetched_at as observed_at.
 */
export class PartitionedQuotesAndRaw1764300000020 implements MigrationInterface {
  name = 'PartitionedQuotesAndRaw1764300000020';

  async up(queryRunner: QueryRunner): Promise<void> {
    // market_quotes: the old table and its names out of the way, keeping its sequence (ids stay).
    await queryRunner.query(`ALTER TABLE "market_quotes" RENAME TO "market_quotes_unpartitioned"`);
    await queryRunner.query(
      `ALTER TABLE "market_quotes_unpartitioned" RENAME CONSTRAINT "PK_4a1928e441a3153019d5e53301d" TO "market_quotes_unpartitioned_pkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "market_quotes_unpartitioned" RENAME CONSTRAINT "uq_market_quotes_asset_source_observed" TO "market_quotes_unpartitioned_uq"`,
    );
    await queryRunner.query(`ALTER TABLE "market_quotes_unpartitioned" DROP CONSTRAINT "fk_market_quotes_asset"`);
    for (const ix of [
      'ix_market_quotes_price_id',
      'ix_market_quotes_source_observed_id',
      'ix_market_quotes_asset_observed_id',
      'ix_market_quotes_observed_id',
    ]) {
      await queryRunner.query(`DROP INDEX "public"."${ix}"`);
    }
    await queryRunner.query(`CREATE TABLE "market_quotes" (${QUOTE_COLUMNS},
      CONSTRAINT "pk_market_quotes" PRIMARY KEY ("asset_id", "observed_at", "id"),
      CONSTRAINT "uq_market_quotes_asset_source_observed" UNIQUE ("asset_id", "source", "observed_at")) PARTITION BY RANGE ("observed_at")`);
    await createPartitions(queryRunner, 'market_quotes', 'market_quotes_unpartitioned', 'observed_at');
    await queryRunner.query(
      `INSERT INTO "market_quotes" (${QUOTE_COLUMN_LIST}) SELECT ${QUOTE_COLUMN_LIST} FROM "market_quotes_unpartitioned"`,
    );
    // The primary key (asset_id, observed_at, id) serves what ix_market_quotes_asset_observed_id did.
    await createQuoteIndexes(queryRunner, [
      'ix_market_quotes_observed_id',
      'ix_market_quotes_source_observed_id',
      'ix_market_quotes_price_id',
    ]);
    await queryRunner.query(
      `ALTER TABLE "market_quotes" ADD CONSTRAINT "fk_market_quotes_asset" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER SEQUENCE "market_quotes_id_seq" OWNED BY "market_quotes"."id"`);
    await queryRunner.query(`DROP TABLE "market_quotes_unpartitioned"`);

    // raw_records: one row per (natural key, observation instant).
    await queryRunner.query(`ALTER TABLE "raw_records" RENAME TO "raw_records_unpartitioned"`);
    await queryRunner.query(
      `ALTER TABLE "raw_records_unpartitioned" RENAME CONSTRAINT "PK_f936fff10e9ab9e7cc03dc87368" TO "raw_records_unpartitioned_pkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "raw_records_unpartitioned" RENAME CONSTRAINT "uq_raw_records_natural_key" TO "raw_records_unpartitioned_uq"`,
    );
    await queryRunner.query(`CREATE TABLE "raw_records" ("source" text NOT NULL, "stream" text NOT NULL, "natural_key" text NOT NULL,
      "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "payload" jsonb NOT NULL, "payload_hash" text NOT NULL,
      "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL, "run_id" bigint,
      CONSTRAINT "pk_raw_records" PRIMARY KEY ("source", "stream", "natural_key", "observed_at")) PARTITION BY RANGE ("observed_at")`);
    await createPartitions(queryRunner, 'raw_records', 'raw_records_unpartitioned', 'fetched_at');
    await queryRunner.query(`INSERT INTO "raw_records" (${RAW_COLUMN_LIST}, "observed_at")
      SELECT ${RAW_COLUMN_LIST}, "fetched_at" FROM "raw_records_unpartitioned"`);
    await queryRunner.query(`DROP TABLE "raw_records_unpartitioned"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "raw_records" RENAME TO "raw_records_partitioned"`);
    await queryRunner.query(
      `ALTER TABLE "raw_records_partitioned" RENAME CONSTRAINT "pk_raw_records" TO "raw_records_partitioned_pkey"`,
    );
    await queryRunner.query(`CREATE TABLE "raw_records" ("id" BIGSERIAL NOT NULL, "source" text NOT NULL, "stream" text NOT NULL, "natural_key" text NOT NULL,
      "payload" jsonb NOT NULL, "payload_hash" text NOT NULL, "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL, "run_id" bigint,
      CONSTRAINT "uq_raw_records_natural_key" UNIQUE ("source", "stream", "natural_key"), CONSTRAINT "PK_f936fff10e9ab9e7cc03dc87368" PRIMARY KEY ("id"))`);
    // One row per natural key again: when a key was observed at several instants, the latest fetch.
    await queryRunner.query(`INSERT INTO "raw_records" (${RAW_COLUMN_LIST})
      SELECT ${RAW_COLUMN_LIST} FROM (SELECT DISTINCT ON ("source", "stream", "natural_key") * FROM "raw_records_partitioned"
        ORDER BY "source", "stream", "natural_key", "fetched_at" DESC, "observed_at" DESC) r ORDER BY "fetched_at", "natural_key"`);
    await queryRunner.query(`DROP TABLE "raw_records_partitioned"`);

    await queryRunner.query(`ALTER TABLE "market_quotes" RENAME TO "market_quotes_partitioned"`);
    await queryRunner.query(
      `ALTER TABLE "market_quotes_partitioned" RENAME CONSTRAINT "pk_market_quotes" TO "market_quotes_partitioned_pkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "market_quotes_partitioned" RENAME CONSTRAINT "uq_market_quotes_asset_source_observed" TO "market_quotes_partitioned_uq"`,
    );
    await queryRunner.query(`ALTER TABLE "market_quotes_partitioned" DROP CONSTRAINT "fk_market_quotes_asset"`);
    for (const ix of [
      'ix_market_quotes_price_id',
      'ix_market_quotes_source_observed_id',
      'ix_market_quotes_observed_id',
    ]) {
      await queryRunner.query(`DROP INDEX "public"."${ix}"`);
    }
    await queryRunner.query(`CREATE TABLE "market_quotes" (${QUOTE_COLUMNS},
      CONSTRAINT "uq_market_quotes_asset_source_observed" UNIQUE ("asset_id", "source", "observed_at"),
      CONSTRAINT "PK_4a1928e441a3153019d5e53301d" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `INSERT INTO "market_quotes" (${QUOTE_COLUMN_LIST}) SELECT ${QUOTE_COLUMN_LIST} FROM "market_quotes_partitioned"`,
    );
    await createQuoteIndexes(queryRunner, [
      'ix_market_quotes_price_id',
      'ix_market_quotes_source_observed_id',
      'ix_market_quotes_asset_observed_id',
      'ix_market_quotes_observed_id',
    ]);
    await queryRunner.query(
      `ALTER TABLE "market_quotes" ADD CONSTRAINT "fk_market_quotes_asset" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER SEQUENCE "market_quotes_id_seq" OWNED BY "market_quotes"."id"`);
    await queryRunner.query(`DROP TABLE "market_quotes_partitioned"`);
  }
}

const QUOTE_INDEX_COLUMNS: Record<string, string> = {
  ix_market_quotes_price_id: '"price_usd", "id"',
  ix_market_quotes_source_observed_id: '"source", "observed_at", "id"',
  ix_market_quotes_asset_observed_id: '"asset_id", "observed_at", "id"',
  ix_market_quotes_observed_id: '"observed_at", "id"',
};

async function createQuoteIndexes(queryRunner: QueryRunner, names: string[]): Promise<void> {
  for (const name of names) {
    await queryRunner.query(`CREATE INDEX "${name}" ON "market_quotes" (${QUOTE_INDEX_COLUMNS[name]})`);
  }
}

/**
 * One partition per UTC month holding rows of `from` (by `column`), named as the service names
 * them (src/catalog/partitions/partition-ranges.ts), and the DEFAULT partition.
 */
async function createPartitions(queryRunner: QueryRunner, table: string, from: string, column: string): Promise<void> {
  const months = (await queryRunner.query(
    `SELECT DISTINCT to_char(m, 'YYYYMMDD') AS name, to_char(m, 'YYYY-MM-DD') AS "from", to_char(m + interval '1 month', 'YYYY-MM-DD') AS "to"
       FROM (SELECT date_trunc('month', "${column}" AT TIME ZONE 'UTC') AS m FROM "${from}") d ORDER BY 1`,
  )) as Array<{ name: string; from: string; to: string }>;
  for (const m of months) {
    await queryRunner.query(
      `CREATE TABLE "${table}_p${m.name}" PARTITION OF "${table}" FOR VALUES FROM ('${m.from}T00:00:00Z') TO ('${m.to}T00:00:00Z')`,
    );
  }
  await queryRunner.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
}
