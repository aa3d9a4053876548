import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** An open quarantine entry as a replay reads it back. */
export interface OpenQuarantineRow {
  id: string;
  stream: string;
  naturalKey: string | null;
  payload: Record<string, unknown>;
  payloadHash: string;
}

@Injectable()
export class QuarantineReplayRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Open entries of a source (all, or those of `ids`), oldest first: the order they were met. */
  async findOpen(source: string, ids?: string[]): Promise<OpenQuarantineRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, stream, natural_key, payload, payload_hash FROM quarantined_records
        WHERE source = $1 AND status = 'open' AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))
        ORDER BY id`,
      [source, ids ?? null],
    )) as Array<{
      id: string;
      stream: string;
      natural_key: string | null;
      payload: Record<string, unknown>;
      payload_hash: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      stream: r.stream,
      naturalKey: r.natural_key,
      payload: r.payload,
      payloadHash: r.payload_hash,
    }));
  }

  /** In the batch's transaction: the rows are resolved if and only if what they produced commits. */
  async markResolved(manager: EntityManager, ids: string[], runId: string): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE quarantined_records SET status = 'resolved', resolved_by_run_id = $2::bigint, resolved_at = now()
        WHERE id = ANY($1::bigint[]) AND status = 'open'`,
      [ids, runId],
    );
  }
}
