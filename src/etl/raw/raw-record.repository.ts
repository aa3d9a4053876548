import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { copyRows } from '../load/copy-rows.js';

export interface RawRow {
  source: string;
  stream: string;
  naturalKey: string;
  /** The payload serialised once as JSON (hashed and copied from the same string). */
  payloadJson: string;
  payloadHash: string;
  fetchedAt: Date;
}

@Injectable()
export class RawRecordRepository {
  /**
   * Keeps the latest payload per natural key: COPY into a staging table, then one upsert. A row is rewritten
   * only when its payload hash changed, so re-ingesting the same input writes nothing.
   * Callers pass unique natural keys (ON CONFLICT cannot touch a row twice in one statement).
   */
  async upsertRaw(manager: EntityManager, runId: string, rows: RawRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(`CREATE TEMP TABLE raw_stage (source text, stream text, natural_key text, payload jsonb, payload_hash text, fetched_at timestamptz) ON COMMIT DROP`);
    await copyRows(manager, 'raw_stage', ['source', 'stream', 'natural_key', 'payload', 'payload_hash', 'fetched_at'],
      rows.map((r) => [r.source, r.stream, r.naturalKey, r.payloadJson, r.payloadHash, r.fetchedAt]));
    await manager.query(
      `INSERT INTO raw_records AS r (source, stream, natural_key, payload, payload_hash, fetched_at, run_id)
       SELECT source, stream, natural_key, payload, payload_hash, fetched_at, $1::bigint FROM raw_stage
       ON CONFLICT (source, stream, natural_key) DO UPDATE
         SET payload = EXCLUDED.payload, payload_hash = EXCLUDED.payload_hash,
             fetched_at = EXCLUDED.fetched_at, run_id = EXCLUDED.run_id
         WHERE r.payload_hash <> EXCLUDED.payload_hash`,
      [runId],
    );
  }
}
