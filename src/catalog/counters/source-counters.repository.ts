import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../platform/database/prepared-statement.js';

/** The tables counted per source (each has a `source` column). */
export const COUNTED_TABLES = ['market_quotes', 'news_items', 'quarantined_records'] as const;
export type CountedTable = (typeof COUNTED_TABLES)[number];

/** Anything that runs SQL: an EntityManager, or a migration's QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface CounterDelta {
  source: string;
  table: CountedTable;
  /** Rows added (negative: removed). */
  rows: number;
}

/** What one committed batch added: new rows of its table, new quarantine rows. */
export interface BatchCounterDelta {
  source: string;
  table: 'market_quotes' | 'news_items';
  inserted: number;
  quarantined: number;
}

/** Stored rows per source and table, as the counters hold them (exact: see SourceCountersRepository). */
export type SourceCounts = Map<string, Record<CountedTable, number>>;

/**
 * Per-source row counters of the tables that grow without bound. EXACT as long as every write that
 * inserts or deletes rows of a counted table adjusts them in its own transaction:
 * - batches (`addBatch`, called once in BatchProcessor.finishBatch; replays and backfills go through it),
 * - admin merges (`add` with the colliding quotes deleted), identity re-decisions that delete a
 *   vacated asset (its remaining quotes go with it by cascade: `subtractQuotesOfAssets`),
 * - bulk removals such as dropping a retention partition: `subtractRowsOf(manager, table, partition)`
 *   before the DROP/DETACH in the same transaction, or `recount` afterwards.
 * Anything else (a manual DELETE, an old replica during a rolling upgrade) is repaired by `recount`.
 *
 * Lock order: a transaction takes counter rows last (after its row writes) and in (table, source)
 * order, so counters never take part in a deadlock cycle with the data rows.
 */
@Injectable()
export class SourceCountersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** In the batch's transaction: its new rows (inserted, never updated/unchanged) and new quarantine rows. */
  addBatch(manager: Queryable, d: BatchCounterDelta): Promise<void> {
    return this.add(manager, [
      { source: d.source, table: d.table, rows: d.inserted },
      { source: d.source, table: 'quarantined_records', rows: d.quarantined },
    ]);
  }

  /** Applies deltas; zero deltas write (and lock) nothing, so an unchanged re-read touches no counter. */
  add(manager: Queryable, deltas: CounterDelta[]): Promise<void> {
    return addCounterDeltas(manager, deltas);
  }

  /**
   * Before deleting assets: their quotes go with them (ON DELETE CASCADE), so they are subtracted
   * now, per source (an index range scan on the assets' quotes, not a table count).
   */
  subtractQuotesOfAssets(manager: Queryable, assetIds: string[]): Promise<void> {
    return subtractQuotesOfAssets(manager, assetIds);
  }

  /**
   * Before dropping or detaching one partition (or any relation holding rows of `table`) in the
   * same transaction: its rows, per source, come off the counters. `relation` is a table name,
   * optionally schema-qualified; it is quoted here.
   */
  async subtractRowsOf(manager: Queryable, table: CountedTable, relation: string): Promise<void> {
    const rows = (await manager.query(
      `SELECT source, count(*)::bigint AS n FROM ${quoteRelation(relation)} GROUP BY source`,
    )) as Array<{ source: string; n: string }>;
    await addCounterDeltas(
      manager,
      rows.map((r) => ({ source: r.source, table, rows: -Number(r.n) })),
    );
  }

  /**
   * Recomputes the counters exactly from the tables (all sources, or one): after a bulk operation
   * that did not adjust them, and in the migration that creates them. Must run in a READ COMMITTED
   * transaction (the default): the lock waits for every batch that has adjusted a counter but not
   * committed, and each count then reads a snapshot taken after the lock, so a batch committed
   * before is counted once and a batch committing after adds its own delta. O(table): not per request.
   */
  async recount(manager: Queryable, source?: string): Promise<void> {
    await recountSourceCounters(manager, source);
  }

  /** `recount` in a transaction of its own (the CLI's `recount`, after a bulk operation). */
  recountNow(source?: string): Promise<void> {
    return this.dataSource.transaction((m) => recountSourceCounters(m, source));
  }

  /** Every counter (a handful of rows: sources × tables). */
  async counts(): Promise<SourceCounts> {
    const rows = (await this.dataSource.query(
      `SELECT source, table_name, rows::text AS rows FROM source_counters`,
    )) as Array<{
      source: string;
      table_name: CountedTable;
      rows: string;
    }>;
    const counts: SourceCounts = new Map();
    for (const r of rows) {
      const entry = counts.get(r.source) ?? { market_quotes: 0, news_items: 0, quarantined_records: 0 };
      entry[r.table_name] = Number(r.rows);
      counts.set(r.source, entry);
    }
    return counts;
  }

  /** Rows of `table` from one source (or all sources): exact, O(number of sources). */
  async total(table: CountedTable, source?: string): Promise<number> {
    const [row] = await preparedQuery<{ n: string }>(
      this.dataSource,
      `SELECT coalesce(sum(rows), 0)::bigint::text AS n FROM source_counters WHERE table_name = $1 AND ($2::text IS NULL OR source = $2)`,
      [table, source ?? null],
    );
    return Number(row.n);
  }
}

/**
 * The counters' writes as functions too, for repositories built without the Nest container (the
 * identity repository deletes vacated assets inside the batch transaction).
 */
export async function addCounterDeltas(manager: Queryable, deltas: CounterDelta[]): Promise<void> {
  const merged = new Map<string, CounterDelta>();
  for (const d of deltas) {
    const key = `${d.table}\u0000${d.source}`;
    merged.set(key, { ...d, rows: (merged.get(key)?.rows ?? 0) + d.rows });
  }
  // Sorted: two transactions adjusting several counters lock them in the same order.
  const rows = [...merged.entries()]
    .filter(([, d]) => d.rows !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d);
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO source_counters AS c (source, table_name, rows)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
     ON CONFLICT (source, table_name) DO UPDATE SET rows = c.rows + EXCLUDED.rows, updated_at = now()`,
    [rows.map((r) => r.source), rows.map((r) => r.table), rows.map((r) => String(r.rows))],
  );
}

/** See SourceCountersRepository.subtractQuotesOfAssets. */
export async function subtractQuotesOfAssets(manager: Queryable, assetIds: string[]): Promise<void> {
  if (assetIds.length === 0) return;
  const rows = (await manager.query(
    `SELECT source, count(*)::bigint AS n FROM market_quotes WHERE asset_id = ANY($1::uuid[]) GROUP BY source`,
    [assetIds],
  )) as Array<{ source: string; n: string }>;
  await addCounterDeltas(
    manager,
    rows.map((r) => ({ source: r.source, table: 'market_quotes', rows: -Number(r.n) })),
  );
}

/**
 * The recount itself, exported for the migration that creates the counters (no Nest container
 * there; it passes its own frozen table list, so a table counted later does not change it).
 */
export async function recountSourceCounters(
  manager: Queryable,
  source?: string,
  tables: readonly CountedTable[] = COUNTED_TABLES,
): Promise<void> {
  await manager.query(`LOCK TABLE source_counters IN SHARE ROW EXCLUSIVE MODE`);
  const filter = source === undefined ? '' : 'WHERE source = $1';
  const params = source === undefined ? [] : [source];
  const counted = tables
    .map(
      (t) => `SELECT source, '${t}'::text AS table_name, count(*)::bigint AS rows FROM ${t} ${filter} GROUP BY source`,
    )
    .join(' UNION ALL ');
  await manager.query(
    `WITH counted AS (${counted}),
     zeroed AS (
       UPDATE source_counters c SET rows = 0, updated_at = now()
        WHERE ${source === undefined ? 'true' : 'c.source = $1'}
          AND NOT EXISTS (SELECT 1 FROM counted k WHERE k.source = c.source AND k.table_name = c.table_name))
     INSERT INTO source_counters AS c (source, table_name, rows) SELECT source, table_name, rows FROM counted
     ON CONFLICT (source, table_name) DO UPDATE SET rows = EXCLUDED.rows, updated_at = now()`,
    params,
  );
}

function quoteRelation(relation: string): string {
  const parts = relation.split('.');
  if (parts.length > 2 || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_$]*$/.test(p))) {
    throw new Error(`not a relation name: ${relation}`);
  }
  return parts.map((p) => `"${p}"`).join('.');
}
