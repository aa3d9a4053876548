import { countsToNumbers } from '../../common/sql/bigint-counts.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { countsOf, type BatchCounts } from '../ledger/batch-counts.js';
import type { ChunkRange } from './backfill-plan.js';
import type { BackfillStatus } from './backfill.entity.js';

export interface BackfillRow {
  id: string;
  source: string;
  assets: string[];
  from: Date;
  to: Date;
  status: BackfillStatus;
  errorMessage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  chunksTotal: number;
  chunksDone: number;
  /** The latest run that executed it (cancel it with DELETE /etl/runs/{id}). */
  runId: string | null;
  records: BatchCounts;
}

export interface PendingChunk {
  asset: string;
  chunkIndex: number;
  from: Date;
  to: Date;
}

export interface KnownAsset {
  sourceAssetId: string;
  symbol: string;
  name: string | null;
}

const SELECT_BACKFILL = `
  SELECT b.id::text AS id, b.source, b.assets, b.range_from, b.range_to, b.status, b.error_message, b.created_at, b.started_at, b.finished_at,
         (SELECT count(*)::bigint FROM etl_backfill_chunks c WHERE c.backfill_id = b.id) AS chunks_total,
         (SELECT count(*)::bigint FROM etl_backfill_chunks c WHERE c.backfill_id = b.id AND c.done_at IS NOT NULL) AS chunks_done,
         (SELECT max(er.id)::text FROM etl_runs er WHERE er.backfill_id = b.id) AS run_id,
         r.extracted, r.inserted, r.updated, r.unchanged, r.duplicate, r.quarantined
    FROM etl_backfills b
    LEFT JOIN LATERAL (
      SELECT coalesce(sum(s.records_extracted), 0)::bigint AS extracted, coalesce(sum(s.records_inserted), 0)::bigint AS inserted,
             coalesce(sum(s.records_updated), 0)::bigint AS updated, coalesce(sum(s.records_unchanged), 0)::bigint AS unchanged,
             coalesce(sum(s.records_duplicate), 0)::bigint AS duplicate,
             coalesce(sum(s.records_quarantined), 0)::bigint AS quarantined
        FROM etl_runs er JOIN etl_source_runs s ON s.run_id = er.id WHERE er.backfill_id = b.id
    ) r ON true`;

interface Raw extends BatchCounts {
  id: string;
  source: string;
  assets: string[];
  range_from: Date;
  range_to: Date;
  status: BackfillStatus;
  error_message: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  chunks_total: number;
  chunks_done: number;
  run_id: string | null;
}

/** A backfill request with its chunk plan, as it is stored. */
export interface NewBackfill {
  source: string;
  assets: string[];
  from: Date;
  to: Date;
  plan: ChunkRange[];
}

/** The quotes a backfill run wrote in one chunk's window. */
export interface ChunkProvenance {
  source: string;
  chunk: { from: Date; to: Date };
  runId: string;
}

/** A backfill's chunk, done by a run. */
export interface ChunkDone {
  backfillId: string;
  chunk: PendingChunk;
  runId: string;
}

/** Backfill requests, their chunk progress and their ledger counts (summed over the runs that executed them). */
@Injectable()
export class BackfillRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The request and its full chunk plan, in one transaction: a backfill never exists half-planned. */
  async create({ source, assets, from, to, plan }: NewBackfill): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(
        `INSERT INTO etl_backfills (source, assets, range_from, range_to) VALUES ($1, $2::text[], $3, $4) RETURNING id::text AS id`,
        [source, assets, from, to],
      )) as Array<{ id: string }>;
      await manager.query(
        `INSERT INTO etl_backfill_chunks (backfill_id, asset, chunk_index, range_from, range_to)
         SELECT $1::bigint, a.asset, c.i - 1, c.range_from, c.range_to
           FROM unnest($2::text[]) AS a(asset)
           CROSS JOIN unnest($3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS c(range_from, range_to, i)`,
        [row.id, assets, plan.map((c) => c.from), plan.map((c) => c.to)],
      );
      return row.id;
    });
  }

  async findOne(id: string): Promise<BackfillRow | undefined> {
    const [row] = (await this.dataSource.query(`${SELECT_BACKFILL} WHERE b.id = $1::bigint`, [id])) as Raw[];
    return row && toRow(row);
  }

  async findPage(limit: number): Promise<BackfillRow[]> {
    const rows = (await this.dataSource.query(`${SELECT_BACKFILL} ORDER BY b.id DESC LIMIT $1`, [limit])) as Raw[];
    return rows.map(toRow);
  }

  /** Sources with backfills to start or to resume (`running` ones whose process may have died). */
  async sourcesWithPendingBackfills(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT source FROM etl_backfills WHERE status IN ('queued', 'running')`,
    )) as Array<{ source: string }>;
    return rows.map((r) => r.source);
  }

  async pendingBackfills(source: string): Promise<Array<{ id: string }>> {
    return (await this.dataSource.query(
      `SELECT id::text AS id FROM etl_backfills WHERE source = $1 AND status IN ('queued', 'running') ORDER BY id`,
      [source],
    )) as Array<{ id: string }>;
  }

  /** Chunks not committed yet, asset by asset in request order, then in time order. */
  async pendingChunks(backfillId: string): Promise<PendingChunk[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.asset, c.chunk_index, c.range_from, c.range_to FROM etl_backfill_chunks c JOIN etl_backfills b ON b.id = c.backfill_id
        WHERE c.backfill_id = $1::bigint AND c.done_at IS NULL ORDER BY array_position(b.assets, c.asset), c.chunk_index`,
      [backfillId],
    )) as Array<{ asset: string; chunk_index: number; range_from: Date; range_to: Date }>;
    return rows.map((r) => ({ asset: r.asset, chunkIndex: r.chunk_index, from: r.range_from, to: r.range_to }));
  }

  async knownAssets(source: string, ids: string[]): Promise<KnownAsset[]> {
    const rows = (await this.dataSource.query(
      `SELECT s.source_asset_id, a.symbol, a.name FROM asset_source_ids s JOIN assets a ON a.id = s.asset_id
        WHERE s.source = $1 AND s.source_asset_id = ANY($2::text[])`,
      [source, ids],
    )) as Array<{ source_asset_id: string; symbol: string; name: string | null }>;
    return rows.map((r) => ({ sourceAssetId: r.source_asset_id, symbol: r.symbol, name: r.name }));
  }

  async markRunning(backfillId: string, runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE etl_backfills SET status = 'running', started_at = coalesce(started_at, now()), error_message = NULL WHERE id = $1::bigint`,
      [backfillId],
    );
    await this.dataSource.query(`UPDATE etl_runs SET backfill_id = $2::bigint WHERE id = $1::bigint`, [
      runId,
      backfillId,
    ]);
  }

  async finish(backfillId: string, status: BackfillStatus, errorMessage: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE etl_backfills SET status = $2, error_message = $3, finished_at = now() WHERE id = $1::bigint`,
      [backfillId, status, errorMessage],
    );
  }

  /**
   * In the batch's transaction: the quotes this run wrote in the chunk's window are backfilled ones
   * (the window and the run id bound it to this batch's rows; the source+time index serves it).
   */
  async markProvenance(manager: EntityManager, { source, chunk, runId }: ChunkProvenance): Promise<void> {
    await manager.query(
      `UPDATE market_quotes SET provenance = 'backfill'
        WHERE source = $1 AND observed_at >= $2 AND observed_at < $3 AND run_id = $4::bigint AND provenance <> 'backfill'`,
      [source, chunk.from, chunk.to, runId],
    );
  }

  /** With the chunk's last batch (or alone when the chunk had no point): progress moves iff the rows commit. */
  async markChunkDone(manager: EntityManager | undefined, { backfillId, chunk, runId }: ChunkDone): Promise<void> {
    await (manager ?? this.dataSource).query(
      `UPDATE etl_backfill_chunks SET done_at = now(), run_id = $4::bigint WHERE backfill_id = $1::bigint AND asset = $2 AND chunk_index = $3`,
      [backfillId, chunk.asset, chunk.chunkIndex, runId],
    );
  }
}

function toRow(raw: Raw): BackfillRow {
  const r = countsToNumbers(raw, [
    'chunks_total',
    'chunks_done',
    'extracted',
    'inserted',
    'updated',
    'unchanged',
    'duplicate',
    'quarantined',
  ]);
  return {
    id: r.id,
    source: r.source,
    assets: r.assets,
    from: r.range_from,
    to: r.range_to,
    status: r.status,
    errorMessage: r.error_message,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    chunksTotal: r.chunks_total,
    chunksDone: r.chunks_done,
    runId: r.run_id,
    records: countsOf(r),
  };
}
