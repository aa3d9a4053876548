import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface RawRow {
  source: string;
  stream: string;
  naturalKey: string;
  payload: Record<string, unknown>;
  payloadHash: string;
  fetchedAt: Date;
}

@Injectable()
export class RawRecordRepository {
  /**
   * Keeps the latest payload per natural key. One statement per batch (unnest); a row is rewritten
   * only when its payload hash changed, so re-ingesting the same input writes nothing.
   * Callers pass unique natural keys (ON CONFLICT cannot touch a row twice in one statement).
   */
  async upsertRaw(manager: EntityManager, runId: string, rows: RawRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO raw_records AS r (source, stream, natural_key, payload, payload_hash, fetched_at, run_id)
       SELECT t.source, t.stream, t.natural_key, t.payload, t.payload_hash, t.fetched_at, $7::bigint
         FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[])
           AS t(source, stream, natural_key, payload, payload_hash, fetched_at)
       ON CONFLICT (source, stream, natural_key) DO UPDATE
         SET payload = EXCLUDED.payload, payload_hash = EXCLUDED.payload_hash,
             fetched_at = EXCLUDED.fetched_at, run_id = EXCLUDED.run_id
         WHERE r.payload_hash <> EXCLUDED.payload_hash`,
      [
        rows.map((r) => r.source),
        rows.map((r) => r.stream),
        rows.map((r) => r.naturalKey),
        rows.map((r) => JSON.stringify(r.payload)),
        rows.map((r) => r.payloadHash),
        rows.map((r) => r.fetchedAt),
        runId,
      ],
    );
  }
}
