import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MIGRATION_LOCK_ID } from '../../platform/database/migration-runner.js';
import { partitionName, type TimeRange } from './partition-ranges.js';

/** One attached partition of a time-partitioned table. */
export interface PartitionInfo extends TimeRange {
  table: string;
  name: string;
}

/** The tables batches write, partitioned by time (by `observed_at`): partitions are created ahead for them. */
export const PARTITIONED_TABLES = ['market_quotes', 'raw_records'] as const;
/** Compacted raw payloads (migration 1764300000021): partitions made when a raw partition is compacted. */
export const RAW_CHUNKS_TABLE = 'raw_record_chunks';
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number] | typeof RAW_CHUNKS_TABLE;

/** Records per compacted chunk: large enough to compress well, small enough to read one back. */
const CHUNK_RECORDS = 2000;

/** The DEFAULT partition (created by the migration): a safety net for rows no partition was made for. */
export const defaultPartitionName = (table: PartitionedTable): string => `${table}_default`;

/** The comment a partition carries once its indexes were rebuilt packed. */
const COMPACTED = 'compacted: indexes rebuilt after the partition closed';

const isoLiteral = (d: Date): string => `'${d.toISOString()}'`;

/** Partition DDL and the catalog reads it needs. Every DDL statement runs under the migration lock. */
/** Advisory lock between partition DDL (exclusive) and batch transactions (shared). */
const PARTITION_DDL_LOCK_ID = 7240002;

@Injectable()
export class PartitionsRepository {
  /**
   * The partitions of `tables` with their bounds. The bounds are read back from the catalog's own
   * text (`FOR VALUES FROM ('…') TO ('…')`, in the session's time zone) and cast by PostgreSQL, so
   * no time zone is parsed here. One catalog query for every table: it runs before each batch.
   */
  async listPartitions(manager: EntityManager, tables: readonly string[]): Promise<PartitionInfo[]> {
    const rows = (await manager.query(
      `SELECT p.relname AS "table", c.relname AS name, b.m[1]::timestamptz AS "from", b.m[2]::timestamptz AS "to"
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         CROSS JOIN LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') AS m) b
        WHERE p.relname = ANY($1::text[]) AND p.relnamespace = current_schema()::regnamespace AND b.m IS NOT NULL
        ORDER BY 1, 3`,
      [tables],
    )) as PartitionInfo[];
    return rows;
  }

  /**
   * Serialises partition DDL with migrations (the same advisory lock id, held until the
   * transaction ends), so a replica never creates or drops a partition while another migrates.
   */
  async lockForDdl(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    // Then the batches' lock, exclusively: the DDL waits for the batch transactions in flight and
    // new ones wait for it, before either holds a table lock the other needs (see holdAgainstDdl).
    await manager.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_DDL_LOCK_ID]);
  }

  /**
   * Taken first in every batch transaction (shared: batches never wait for each other). Attaching a
   * partition locks the new table, the DEFAULT partition and the referenced `assets`, while a batch
   * holds locks on `assets` and the partitions it read and then reads the new one: without this lock
   * the two can deadlock (seen under load: the batch failed with "deadlock detected").
   */
  async holdAgainstDdl(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock_shared($1)', [PARTITION_DDL_LOCK_ID]);
  }

  /**
   * Creates the partition as a plain table shaped like the parent, moves into it the rows of its
   * range the DEFAULT partition holds (none, normally: batches create their partitions first; a
   * row written by other means lands there), then attaches it. ATTACH PARTITION needs only a SHARE
   * UPDATE EXCLUSIVE lock on the parent (CREATE TABLE … PARTITION OF takes ACCESS EXCLUSIVE), so
   * writers and readers of the table are not blocked; PostgreSQL builds the partition's indexes and
   * foreign key from the parent's, and checks the DEFAULT partition holds nothing of the range.
   */
  async createPartition(
    manager: EntityManager,
    table: PartitionedTable,
    range: TimeRange,
  ): Promise<{ name: string; moved: number }> {
    const name = partitionName(table, range.from);
    await manager.query(
      `CREATE TABLE "${name}" (LIKE "${table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`,
    );
    const [{ moved }] = (await manager.query(
      `WITH moved AS (DELETE FROM "${defaultPartitionName(table)}" WHERE observed_at >= $1 AND observed_at < $2 RETURNING *),
            copied AS (INSERT INTO "${name}" SELECT * FROM moved RETURNING 1)
       SELECT count(*)::int AS moved FROM copied`,
      [range.from, range.to],
    )) as Array<{ moved: number }>;
    await manager.query(
      `ALTER TABLE "${table}" ATTACH PARTITION "${name}" FOR VALUES FROM (${isoLiteral(range.from)}) TO (${isoLiteral(range.to)})`,
    );
    return { name, moved };
  }

  /** One instant per UTC day of the rows the DEFAULT partition holds: what maintenance moves out. */
  async defaultPartitionDays(manager: EntityManager, table: PartitionedTable): Promise<Date[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT date_trunc('day', observed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day FROM "${defaultPartitionName(table)}"`,
    )) as Array<{ day: Date }>;
    return rows.map((r) => r.day);
  }

  /** Partitions of `tables` ending at or before `before` that were never compacted (rebuilt indexes). */
  async listUncompacted(manager: EntityManager, tables: readonly string[], before: Date): Promise<PartitionInfo[]> {
    const all = await this.listPartitions(manager, tables);
    const done = (await manager.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ANY($1::text[]) AND obj_description(c.oid, 'pg_class') = $2`,
      [tables, COMPACTED],
    )) as Array<{ name: string }>;
    const compacted = new Set(done.map((r) => r.name));
    return all.filter((p) => p.to.getTime() <= before.getTime() && !compacted.has(p.name));
  }

  /**
   * Rebuilds a closed partition's indexes packed: rows arrive in time order but in random asset
   * and key order, so B-tree pages split half full (measured on 200k quotes: the partition's
   * indexes 244 → 185 B/quote, docs/BENCHMARKS.md). CONCURRENTLY: writers and readers go on meanwhile; it cannot run inside a
   * transaction, so `manager` must not be in one. Marked by a comment so it is done once.
   */
  async rebuildIndexes(manager: EntityManager, partition: PartitionInfo): Promise<void> {
    // Full leaf pages (the default keeps 10 % free for inserts a closed partition rarely gets).
    const indexes = (await manager.query(
      `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = $1::regclass`,
      [partition.name],
    )) as Array<{ name: string }>;
    for (const ix of indexes) await manager.query(`ALTER INDEX ${ix.name} SET (fillfactor = 100)`);
    await manager.query(`REINDEX TABLE CONCURRENTLY "${partition.name}"`);
    await manager.query(`COMMENT ON TABLE "${partition.name}" IS '${COMPACTED}'`);
  }

  /**
   * Moves every row of a closed raw_records partition into raw_record_chunks, in one statement:
   * readers see the rows either as rows or as chunks, never both or neither, and it takes only
   * row locks (batches writing late rows into the partition go on; those are compacted next
   * time). The emptied pages are reclaimed by (auto)vacuum. Returns the records moved.
   */
  async compactRawPartition(manager: EntityManager, partition: PartitionInfo): Promise<number> {
    const [{ moved }] = (await manager.query(
      `WITH moved AS (DELETE FROM "${partition.name}" RETURNING source, stream, natural_key, observed_at, payload, fetched_at, run_id),
            numbered AS (SELECT m.*, (row_number() OVER (PARTITION BY source, stream ORDER BY observed_at, natural_key) - 1) / ${CHUNK_RECORDS} AS chunk FROM moved m),
            chunks AS (
              INSERT INTO "${RAW_CHUNKS_TABLE}" (source, stream, observed_at, last_observed_at, records, lines)
              SELECT source, stream, min(observed_at), max(observed_at), count(*),
                     string_agg(json_build_array(natural_key, observed_at, fetched_at, run_id, payload)::text, E'\n' ORDER BY observed_at, natural_key)
                FROM numbered GROUP BY source, stream, chunk
              RETURNING records)
       SELECT coalesce(sum(records), 0)::int AS moved FROM chunks`,
    )) as Array<{ moved: number }>;
    return moved;
  }

  /** Reclaims the pages a compaction emptied (VACUUM cannot run inside a transaction). */
  async vacuum(manager: EntityManager, partition: PartitionInfo): Promise<void> {
    await manager.query(`VACUUM "${partition.name}"`);
  }

  /** Closed raw_records partitions still holding rows (compacted once closed, again if late rows came). */
  async listRawToCompact(manager: EntityManager, before: Date): Promise<PartitionInfo[]> {
    const closed = (await this.listPartitions(manager, ['raw_records'])).filter(
      (p) => p.to.getTime() <= before.getTime(),
    );
    const out: PartitionInfo[] = [];
    for (const p of closed) {
      const [{ has }] = (await manager.query(`SELECT EXISTS (SELECT 1 FROM "${p.name}") AS has`)) as Array<{
        has: boolean;
      }>;
      if (has) out.push(p);
    }
    return out;
  }

  /** The whole partition goes (no row-by-row DELETE: no dead tuples, no vacuum debt). */
  async dropPartition(manager: EntityManager, partition: PartitionInfo): Promise<void> {
    await manager.query(`DROP TABLE "${partition.name}"`);
  }
}
