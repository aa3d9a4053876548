import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { stringifyJson } from '../extractor/json-number.js';
import { isJsonbStorable } from '../validation/storable-payload.js';

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
   * when it comes from another run. Accepts any payload: one jsonb refuses (NUL, an unpaired
   * surrogate) is kept as its JSON text in `payload_text`, so a poison row can always be set aside.
   * A resolved row seen failing again is open again. Returns how many rows are new (the
   * per-source counters count them).
   */
  async quarantine(manager: EntityManager, runId: string, rows: QuarantineRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Lossless: a quarantined number keeps the digits it arrived with (and stays a number).
    const json = rows.map((r) => stringifyJson(r.payload));
    const storable = json.map(isJsonbStorable);
    const [{ inserted }] = (await manager.query(
      `WITH written AS (
       INSERT INTO quarantined_records AS q
              (source, stream, natural_key, payload, payload_text, payload_hash, reason, run_id)
       SELECT t.source, t.stream, t.natural_key, t.payload, t.payload_text, t.payload_hash, t.reason, $8::bigint
         FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[])
           AS t(source, stream, natural_key, payload, payload_text, payload_hash, reason)
       ON CONFLICT (source, stream, payload_hash) DO UPDATE
         SET reason = EXCLUDED.reason, last_seen_at = now(), run_id = EXCLUDED.run_id,
             occurrences = q.occurrences + (q.run_id IS DISTINCT FROM EXCLUDED.run_id)::int,
             status = 'open', resolved_by_run_id = NULL, resolved_at = NULL
       RETURNING (xmax = 0) AS inserted)
       SELECT count(*) FILTER (WHERE inserted)::bigint::text AS inserted FROM written`,
      [
        rows.map((r) => r.source),
        rows.map((r) => r.stream),
        rows.map((r) => (r.naturalKey === null ? null : storableText(r.naturalKey))),
        json.map((j, i) => (storable[i] ? j : null)),
        json.map((j, i) => (storable[i] ? null : j)),
        rows.map((r) => r.payloadHash),
        rows.map((r) => storableText(this.masker.mask(r.reason))),
        runId,
      ],
    )) as Array<{ inserted: string }>;
    return Number(inserted);
  }
}

/**
 * Text PostgreSQL can hold: NUL and unpaired surrogates shown as escapes. Only for what the
 * quarantine says about a row (its key, the reason quoting a bad value); the payload is kept whole.
 */
export function storableText(value: string): string {
  return value.replace(
    // eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL cannot store
    /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
