import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { copyLine, copyRows, tryCopyInto, type CopyFirstPolicy, type CopyText } from '../load/copy-rows.js';

export interface RawRow {
  source: string;
  stream: string;
  naturalKey: string;
  /** The payload serialised once as JSON (hashed and copied from the same string). */
  payloadJson: string;
  payloadHash: string;
  fetchedAt: Date;
  /** The instant of the observation the payload was mapped to: raw_records' partition key. */
  observedAt: Date;
}

const RAW_COLUMNS = [
  'source',
  'stream',
  'natural_key',
  'observed_at',
  'payload',
  'payload_hash',
  'fetched_at',
  'run_id',
] as const;

/** COPY text for raw rows (built while the previous batch's transaction runs, not inside this one's). */
export function rawCopyText(rows: RawRow[], runId: string): CopyText {
  let text = '';
  for (const r of rows) {
    text += copyLine([
      r.source,
      r.stream,
      r.naturalKey,
      r.observedAt,
      r.payloadJson,
      r.payloadHash,
      r.fetchedAt,
      runId,
    ]);
  }
  return { rows: rows.length, text };
}

const CREATE_RAW_STAGE = `CREATE TEMP TABLE raw_stage (source text, stream text, natural_key text, observed_at timestamptz, payload jsonb, payload_hash text, fetched_at timestamptz, run_id bigint) ON COMMIT DROP`;

@Injectable()
export class RawRecordRepository {
  /**
   * Keeps the latest payload per natural key and observation instant (the key holds the instant,
   * raw_records' partition key, so the probe and the upsert touch one partition). New keys (the bulk of a first ingestion) are copied
   * straight into the table when the policy allows; otherwise, or when a key already exists, the
   * rows go through a staging table and one upsert that rewrites a row only when its payload hash
   * changed, so re-ingesting the same input writes nothing. Callers pass unique natural keys (ON
   * CONFLICT cannot touch a row twice in one statement).
   */
  async upsertRaw(manager: EntityManager, data: CopyText, policy?: CopyFirstPolicy): Promise<void> {
    if (data.rows === 0) return;
    if (policy?.shouldTry()) {
      const copied = await tryCopyInto(manager, { table: 'raw_records', columns: RAW_COLUMNS, data });
      policy.record(copied);
      if (copied) return;
    }
    // The staging table is created in the COPY's own message (one round trip fewer).
    await copyRows(manager, { table: 'raw_stage', columns: RAW_COLUMNS, data, before: CREATE_RAW_STAGE });
    await manager.query(
      `INSERT INTO raw_records AS r (${RAW_COLUMNS.join(', ')})
       SELECT ${RAW_COLUMNS.map((c) => `s.${c}`).join(', ')} FROM raw_stage s
       -- Unchanged payloads are left alone entirely (no new version, no row lock).
       WHERE NOT EXISTS (SELECT 1 FROM raw_records o WHERE o.source = s.source AND o.stream = s.stream
                           AND o.natural_key = s.natural_key AND o.observed_at = s.observed_at
                           AND o.payload_hash = s.payload_hash)
       ON CONFLICT (source, stream, natural_key, observed_at) DO UPDATE
         SET payload = EXCLUDED.payload, payload_hash = EXCLUDED.payload_hash,
             fetched_at = EXCLUDED.fetched_at, run_id = EXCLUDED.run_id
         WHERE r.payload_hash <> EXCLUDED.payload_hash`,
    );
  }
}
