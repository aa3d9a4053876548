import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecretMasker } from '../../common/secrets/secret-masker.js';

export interface QuarantineRow {
  source: string;
  stream: string;
  naturalKey: string | null;
  payload: Record<string, unknown>;
  payloadHash: string;
  reason: string;
}

@Injectable()
export class QuarantineRepository {
  /** Reasons quote upstream and database messages, which can carry a configured secret. */
  constructor(private readonly masker: SecretMasker) {}

  /**
   * Stores rows that failed validation or mapping, once per distinct payload: seeing the same bad
   * payload again (a re-run) only refreshes last_seen_at and the run, and counts a new occurrence
   * when it comes from another run. A resolved row seen failing again is open again.
   */
  async quarantine(manager: EntityManager, runId: string, rows: QuarantineRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO quarantined_records AS q (source, stream, natural_key, payload, payload_hash, reason, run_id)
       SELECT t.source, t.stream, t.natural_key, t.payload, t.payload_hash, t.reason, $7::bigint
         FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[])
           AS t(source, stream, natural_key, payload, payload_hash, reason)
       ON CONFLICT (source, stream, payload_hash) DO UPDATE
         SET reason = EXCLUDED.reason, last_seen_at = now(), run_id = EXCLUDED.run_id,
             occurrences = q.occurrences + (q.run_id IS DISTINCT FROM EXCLUDED.run_id)::int,
             status = 'open', resolved_by_run_id = NULL, resolved_at = NULL`,
      [
        rows.map((r) => r.source),
        rows.map((r) => r.stream),
        rows.map((r) => r.naturalKey),
        rows.map((r) => JSON.stringify(r.payload)),
        rows.map((r) => r.payloadHash),
        rows.map((r) => this.masker.mask(r.reason)),
        runId,
      ],
    );
  }
}
