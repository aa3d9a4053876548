import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DriftFinding } from './drift.service.js';

@Injectable()
export class DriftRepository {
  /**
   * One row per (source, stream, kind, field, candidate); a new sighting refreshes last_seen_at,
   * confidence and the run, and counts an occurrence once per run.
   */
  async recordFindings(manager: EntityManager, runId: string, source: string, stream: string, findings: DriftFinding[]): Promise<void> {
    if (findings.length === 0) return;
    await manager.query(
      `INSERT INTO drift_events AS d (source, stream, kind, field, candidate, confidence, severity, action, details, run_id)
       SELECT $1, $2, t.kind, t.field, t.candidate, t.confidence, t.severity, t.action, t.details, $10::bigint
         FROM unnest($3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::jsonb[])
           AS t(kind, field, candidate, confidence, severity, action, details)
       ON CONFLICT (source, stream, kind, field, candidate) DO UPDATE
         SET confidence = EXCLUDED.confidence, severity = EXCLUDED.severity, action = EXCLUDED.action,
             details = EXCLUDED.details, last_seen_at = now(), run_id = EXCLUDED.run_id,
             occurrences = d.occurrences + (d.run_id IS DISTINCT FROM EXCLUDED.run_id)::int`,
      [
        source,
        stream,
        findings.map((f) => f.kind),
        findings.map((f) => f.field),
        findings.map((f) => f.candidate),
        findings.map((f) => f.confidence),
        findings.map((f) => f.severity),
        findings.map((f) => f.action),
        findings.map((f) => (f.details ? JSON.stringify(f.details) : null)),
        runId,
      ],
    );
  }
}
