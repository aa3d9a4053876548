import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compacted raw payloads: once a raw_records partition has closed, maintenance moves its rows here
 * as chunks of up to 2000 records of one source and stream, one JSON line per record
 * (`[natural_key, observed_at, fetched_at, run_id, payload]`). A chunk's text is a few hundred KB,
 * so PostgreSQL compresses it (TOAST): ~50 B a record instead of ~500 as rows with a key index.
 * Partitioned like raw_records (by the chunk's first instant) so RAW_RETENTION_DAYS drops it by
 * whole partitions too. `raw_payloads` reads both, one row per record, for audit and debugging.
 */
export class RawRecordChunks1764300000021 implements MigrationInterface {
  name = 'RawRecordChunks1764300000021';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "raw_record_chunks" ("source" text NOT NULL, "stream" text NOT NULL,
      "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "records" integer NOT NULL,
      "lines" text NOT NULL, "compacted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()) PARTITION BY RANGE ("observed_at")`);
    await queryRunner.query(`CREATE TABLE "raw_record_chunks_default" PARTITION OF "raw_record_chunks" DEFAULT`);
    await queryRunner.query(
      `CREATE INDEX "ix_raw_record_chunks_source_observed" ON "raw_record_chunks" ("source", "stream", "observed_at")`,
    );
    await queryRunner.query(`CREATE VIEW "raw_payloads" AS
      SELECT r.source, r.stream, r.natural_key, r.observed_at, r.payload, r.fetched_at, r.run_id, false AS compacted FROM raw_records r
      UNION ALL
      SELECT c.source, c.stream, e->>0, (e->>1)::timestamptz, e->4, (e->>2)::timestamptz, (e->>3)::bigint, true
        FROM raw_record_chunks c CROSS JOIN LATERAL regexp_split_to_table(c.lines, E'\\n') AS l(line) CROSS JOIN LATERAL (SELECT l.line::jsonb AS e) j`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Compacted payloads go back to rows first: nothing is lost by reverting.
    await queryRunner.query(`INSERT INTO "raw_records" (source, stream, natural_key, observed_at, payload, payload_hash, fetched_at, run_id)
      SELECT source, stream, natural_key, observed_at, payload, md5(payload::text), fetched_at, run_id FROM "raw_payloads" WHERE compacted
      ON CONFLICT DO NOTHING`);
    await queryRunner.query(`DROP VIEW "raw_payloads"`);
    await queryRunner.query(`DROP TABLE "raw_record_chunks"`);
  }
}
