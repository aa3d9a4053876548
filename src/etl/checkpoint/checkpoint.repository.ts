import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { StreamCursor } from '../extractor/extractor.interface.js';
import { SourceLeaseRepository, type SourceFence } from './source-lease.repository.js';

export interface CheckpointWrite {
  source: string;
  stream: string;
  cursor: StreamCursor;
  runId: string;
  /** The writing run's fencing token: the write (and so its batch) fails once another run owns the source. */
  fence: SourceFence;
}

@Injectable()
export class CheckpointRepository {
  private readonly leases = new SourceLeaseRepository();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findCheckpoints(source: string): Promise<Map<string, StreamCursor>> {
    const rows = (await this.dataSource.query(`SELECT stream, cursor FROM etl_checkpoints WHERE source = $1`, [
      source,
    ])) as Array<{ stream: string; cursor: StreamCursor }>;
    return new Map(rows.map((r) => [r.stream, r.cursor]));
  }

  /** The fencing check alone (see CheckpointService.assertOwner). */
  assertLease(manager: EntityManager, fence: SourceFence): Promise<void> {
    return this.leases.assertCurrent(manager, fence);
  }

  /**
   * Written inside the batch's transaction: the cursor moves if and only if the batch commits, and
   * only while the run still owns the source (fencing token checked in the same transaction).
   */
  async saveCheckpoint(manager: EntityManager, w: CheckpointWrite): Promise<void> {
    if (w.fence.source !== w.source) throw new Error(`fence of ${w.fence.source} used for a checkpoint of ${w.source}`);
    await this.leases.assertCurrent(manager, w.fence);
    await manager.query(
      `INSERT INTO etl_checkpoints (source, stream, cursor, run_id, updated_at)
       VALUES ($1, $2, $3::jsonb, $4::bigint, now())
       ON CONFLICT (source, stream) DO UPDATE
         SET cursor = EXCLUDED.cursor, run_id = EXCLUDED.run_id, updated_at = now()`,
      [w.source, w.stream, JSON.stringify(w.cursor), w.runId],
    );
  }
}
