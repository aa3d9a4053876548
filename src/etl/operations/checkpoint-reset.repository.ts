import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';

/**
 * Clears stream checkpoints to the empty cursor `{}` (what a stream with no checkpoint starts from,
 * and what /stats then shows); the data they led to stays: idempotent writes make a re-read harmless.
 */
@Injectable()
export class CheckpointResetRepository {
  /** Runs on the connection holding the source's lock, so no run of the source can commit meanwhile. */
  async clearCheckpoints(runner: QueryRunner, source: string, streams: string[]): Promise<void> {
    await runner.query(
      `INSERT INTO etl_checkpoints (source, stream, cursor, run_id, updated_at)
       SELECT $1, stream, '{}'::jsonb, NULL, now() FROM unnest($2::text[]) AS stream
       ON CONFLICT (source, stream) DO UPDATE SET cursor = '{}'::jsonb, run_id = NULL, updated_at = now()`,
      [source, streams],
    );
  }
}
