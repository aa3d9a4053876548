import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../platform/config/app-config.js';
import { SourceCountersRepository } from '../counters/source-counters.repository.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { expiredRanges, instantsAhead, missingRanges, nextStart, type TimeRange } from './partition-ranges.js';
import {
  PARTITIONED_TABLES,
  PartitionsRepository,
  RAW_CHUNKS_TABLE,
  type PartitionedTable,
  type PartitionInfo,
} from './partitions.repository.js';

/** Instants a batch is about to write, by table. */
export type InstantsByTable = Partial<Record<PartitionedTable, Iterable<Date>>>;

/** How many intervals past the current one are created ahead (a day or two of outage never needs the on-demand path). */
const INTERVALS_AHEAD = 2;
const DAY_MS = 86_400_000;

/**
 * Keeps the time partitions of market_quotes and raw_records: creates them ahead (at boot, after
 * migrations, then hourly) and on demand for any batch whose instants have none, and drops whole
 * partitions past QUOTES_RETENTION_DAYS / RAW_RETENTION_DAYS. Every DDL statement runs under the
 * migration advisory lock, in its own short transaction (never a batch's).
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger(PartitionMaintenance.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly partitions: PartitionsRepository,
    private readonly metrics: MetricsService,
    private readonly counters: SourceCountersRepository,
  ) {}

  /** Boot fails if the partitions cannot be created: a service that cannot write quotes must not start. */
  async onApplicationBootstrap(): Promise<void> {
    await this.maintain(new Date());
  }

  /** The hourly pass, with compaction; errors are logged (the next pass and the on-demand path retry). */
  @Cron(CronExpression.EVERY_HOUR, { name: 'partition-maintenance' })
  async scheduledMaintenance(): Promise<void> {
    try {
      await this.maintain(new Date());
      await this.compactClosed(new Date());
    } catch (err) {
      this.logger.error({ error: err instanceof Error ? err.message : String(err) }, 'partition maintenance failed');
    }
  }

  /**
   * Partitions ahead of `now` and for any row the DEFAULT partition caught (moved into them, so
   * that partition stays empty and never blocks an attach), then retention.
   */
  async maintain(now: Date): Promise<void> {
    const interval = this.config.storage.partitionInterval;
    let end = now;
    for (let i = 0; i < INTERVALS_AHEAD; i++) end = nextStart(end, interval);
    const ahead = instantsAhead(now, end, interval);
    const wanted: InstantsByTable = {};
    for (const table of PARTITIONED_TABLES) {
      wanted[table] = [...ahead, ...(await this.partitions.defaultPartitionDays(this.dataSource.manager, table))];
    }
    await this.ensureCovering(wanted);
    await this.applyRetention(now);
  }

  /**
   * Creates the partitions the instants lack. The catalog is read first without any lock (the
   * common case, one query per batch, finds every instant covered); only when something is missing
   * is the DDL lock taken and the catalog read again under it, so replicas never create the same
   * partition twice.
   */
  async ensureCovering(instants: InstantsByTable): Promise<string[]> {
    const wanted = Object.entries(instants)
      .map(([table, at]) => [table as PartitionedTable, [...(at ?? [])]] as const)
      .filter(([, at]) => at.length > 0);
    if (wanted.length === 0) return [];
    const tables = wanted.map(([t]) => t);
    const interval = this.config.storage.partitionInterval;
    const plan = (existing: PartitionInfo[]) =>
      wanted.flatMap(([table, at]) =>
        missingRanges(
          existing.filter((p) => p.table === table),
          at,
          interval,
        ).map((range) => ({ table, range })),
      );
    if (plan(await this.partitions.listPartitions(this.dataSource.manager, tables)).length === 0) return [];
    return this.dataSource.transaction(async (manager) => {
      await this.partitions.lockForDdl(manager);
      const created: string[] = [];
      for (const { table, range } of plan(await this.partitions.listPartitions(manager, tables))) {
        const { name, moved } = await this.partitions.createPartition(manager, table, range);
        this.logger.log({ table, partition: name, ...bounds(range), movedFromDefault: moved }, 'partition created');
        created.push(name);
      }
      return created;
    });
  }

  /**
   * Once a partition has been closed for a day (late rows still land in the one just closed):
   * raw_records partitions holding rows are compacted into raw_record_chunks (again whenever late
   * rows arrived since), then every closed partition of both tables gets its indexes rebuilt
   * packed, once. Not at boot (it can take minutes on a large month) and not under the DDL lock:
   * the compaction is one statement taking row locks, REINDEX CONCURRENTLY blocks neither writes
   * nor reads, and a retention drop of the same partition waits for them.
   */
  async compactClosed(now: Date): Promise<string[]> {
    const manager = this.dataSource.manager;
    const done: string[] = [];
    const before = new Date(now.getTime() - DAY_MS);
    for (const p of await this.partitions.listRawToCompact(manager, before)) {
      await this.ensureCovering({ [RAW_CHUNKS_TABLE]: instantsAhead(p.from, new Date(p.to.getTime() - 1), 'day') });
      const records = await this.partitions.compactRawPartition(manager, p);
      await this.partitions.vacuum(manager, p);
      this.logger.log(
        { table: p.table, partition: p.name, ...bounds(p), records },
        'raw partition compacted into raw_record_chunks',
      );
      done.push(p.name);
    }
    for (const p of await this.partitions.listUncompacted(manager, PARTITIONED_TABLES, before)) {
      const started = Date.now();
      await this.partitions.rebuildIndexes(manager, p);
      this.logger.log(
        { table: p.table, partition: p.name, ...bounds(p), ms: Date.now() - started },
        'partition indexes compacted',
      );
      done.push(p.name);
    }
    return done;
  }

  /** First statement of a batch transaction: no partition DDL runs while it is open (no deadlock). */
  holdAgainstDdl(manager: EntityManager): Promise<void> {
    return this.partitions.holdAgainstDdl(manager);
  }

  /** Drops every partition entirely older than its table's retention horizon; returns the dropped names. */
  async applyRetention(now: Date): Promise<string[]> {
    const days: Record<PartitionedTable, number | undefined> = {
      market_quotes: this.config.storage.quotesRetentionDays,
      raw_records: this.config.storage.rawRetentionDays,
      // Compacted raw payloads are raw payloads: the same horizon.
      [RAW_CHUNKS_TABLE]: this.config.storage.rawRetentionDays,
    };
    const all: PartitionedTable[] = [...PARTITIONED_TABLES, RAW_CHUNKS_TABLE];
    const tables = all.filter((t) => days[t] !== undefined);
    if (tables.length === 0) return [];
    const expired = (existing: PartitionInfo[]) =>
      tables.flatMap((t) =>
        expiredRanges(
          existing.filter((p) => p.table === t),
          new Date(now.getTime() - days[t]! * DAY_MS),
        ),
      );
    if (expired(await this.partitions.listPartitions(this.dataSource.manager, tables)).length === 0) return [];
    const dropped = await this.dataSource.transaction(async (manager) => {
      await this.partitions.lockForDdl(manager);
      const gone: PartitionInfo[] = [];
      for (const p of expired(await this.partitions.listPartitions(manager, tables))) {
        // The per-source row counters lose the partition's quotes in the drop's own transaction.
        if (p.table === 'market_quotes') await this.counters.subtractRowsOf(manager, 'market_quotes', p.name);
        await this.partitions.dropPartition(manager, p);
        gone.push(p);
      }
      return gone;
    });
    // Logged and counted once committed: a rolled-back drop dropped nothing.
    for (const p of dropped) {
      this.logger.log(
        { table: p.table, partition: p.name, ...bounds(p), retentionDays: days[p.table as PartitionedTable] },
        'partition dropped by retention',
      );
      this.metrics.partitionDropped(p.table);
    }
    return dropped.map((p) => p.name);
  }
}

function bounds(range: TimeRange): { from: string; to: string } {
  return { from: range.from.toISOString(), to: range.to.toISOString() };
}
