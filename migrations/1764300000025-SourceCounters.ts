import type { MigrationInterface, QueryRunner } from 'typeorm';
import { recountSourceCounters } from '../src/catalog/counters/source-counters.repository.js';

/**
 * Per-source row counters of the growing tables (quotes, news, quarantine), so /stats and list
 * totals read a handful of rows instead of counting millions. Backfilled exactly from the tables.
 * fillfactor 50: every batch updates its counter row, and the free space keeps those updates HOT.
 */
export class SourceCounters1764300000025 implements MigrationInterface {
  name = 'SourceCounters1764300000025';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "source_counters" ("source" text NOT NULL, "table_name" text NOT NULL,
      "rows" bigint NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "pk_source_counters" PRIMARY KEY ("source", "table_name")) WITH (fillfactor = 50)`);
    await recountSourceCounters(queryRunner, undefined, ['market_quotes', 'news_items', 'quarantined_records']);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "source_counters"`);
  }
}
