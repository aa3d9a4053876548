import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { StreamCursor } from '../extractor/extractor.interface.js';

@Injectable()
export class CheckpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findCheckpoints(source: string): Promise<Map<string, StreamCursor>> {
    const rows = (await this.dataSource.query(`SELECT stream, cursor FROM etl_checkpoints WHERE source = $1`, [source])) as Array<{ stream: string; cursor: StreamCursor }>;
    return new Map(rows.map((r) => [r.stream, r.cursor]));
  }

  /** Written inside the batch's transaction: the cursor moves if and only if the batch commits. */
  async saveCheckpoint(manager: EntityManager, source: string, stream: string, cursor: StreamCursor, runId: string): Promise<void> {
    await manager.query(
      `INSERT INTO etl_checkpoints (source, stream, cursor, run_id, updated_at) VALUES ($1, $2, $3::jsonb, $4::bigint, now())
       ON CONFLICT (source, stream) DO UPDATE SET cursor = EXCLUDED.cursor, run_id = EXCLUDED.run_id, updated_at = now()`,
      [source, stream, JSON.stringify(cursor), runId],
    );
  }
}
