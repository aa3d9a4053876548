import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BaselineRow } from './field-baseline.js';
import type { DriftFinding } from './inspect-batch.js';

/** What one batch's transaction writes for drift: its findings and the accepted values to keep. */
export interface DriftWrite {
  runId: string;
  source: string;
  stream: string;
  findings: DriftFinding[];
  baselines: BaselineRow[];
}

@Injectable()
export class DriftRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Findings and baseline values of one batch, inside the batch's transaction. */
  async recordBatch(manager: EntityManager, write: DriftWrite): Promise<void> {
    await this.recordFindings(manager, write);
    await this.upsertBaselines(manager, write);
  }

  /**
   * One row per (source, stream, kind, field, candidate); a new sighting refreshes last_seen_at,
   * confidence, status, evidence and the run, and counts an occurrence once per run. A rename an
   * admin rejected keeps its row as the admin left it (the drift service no longer proposes it; the
   * guard covers a run that loaded its rejections before the admin acted).
   */
  async recordFindings(manager: EntityManager, write: Omit<DriftWrite, 'baselines'>): Promise<void> {
    const { runId, source, stream, findings } = write;
    if (findings.length === 0) return;
    await manager.query(
      `INSERT INTO drift_events AS d
              (source, stream, kind, field, candidate, confidence, severity, action, details, status, evidence, run_id)
       SELECT $1, $2, t.kind, t.field, t.candidate, t.confidence, t.severity, t.action, t.details, t.status, t.evidence,
              $12::bigint
         FROM unnest($3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::jsonb[],
                     $10::text[], $11::jsonb[])
           AS t(kind, field, candidate, confidence, severity, action, details, status, evidence)
       ON CONFLICT (source, stream, kind, field, candidate) DO UPDATE
         SET confidence = EXCLUDED.confidence, severity = EXCLUDED.severity, action = EXCLUDED.action,
             details = EXCLUDED.details, status = EXCLUDED.status, evidence = EXCLUDED.evidence,
             last_seen_at = now(), run_id = EXCLUDED.run_id,
             occurrences = d.occurrences + (d.run_id IS DISTINCT FROM EXCLUDED.run_id)::int
         WHERE NOT EXISTS (SELECT 1 FROM drift_rejected_renames r
                            WHERE r.source = d.source AND r.stream = d.stream AND r.field = d.field
                              AND r.candidate = d.candidate AND d.kind = 'renamed')`,
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
        findings.map((f) => f.status ?? null),
        findings.map((f) => (f.evidence ? JSON.stringify(f.evidence) : null)),
        runId,
      ],
    );
  }

  /** The last accepted value per (field, asset): one statement, at most the run's asset cap x fields rows. */
  private async upsertBaselines(manager: EntityManager, write: DriftWrite): Promise<void> {
    if (write.baselines.length === 0) return;
    await manager.query(
      `INSERT INTO drift_field_baselines AS b (source, stream, field, asset_key, value, run_id)
       SELECT $1, $2, t.field, t.asset_key, t.value, $6::bigint
         FROM unnest($3::text[], $4::text[], $5::float8[]) AS t(field, asset_key, value)
       ON CONFLICT (source, stream, field, asset_key) DO UPDATE
         SET value = EXCLUDED.value, run_id = EXCLUDED.run_id, updated_at = now()`,
      [
        write.source,
        write.stream,
        write.baselines.map((b) => b.field),
        write.baselines.map((b) => b.assetKey),
        write.baselines.map((b) => b.value),
        write.runId,
      ],
    );
  }

  /** The stored values of some fields of a stream, per field and asset (read when a rename is judged). */
  async findBaselines(source: string, stream: string, fields: string[]): Promise<Map<string, Map<string, number>>> {
    const rows = (await this.dataSource.query(
      `SELECT field, asset_key, value FROM drift_field_baselines
        WHERE source = $1 AND stream = $2 AND field = ANY($3::text[])`,
      [source, stream, fields],
    )) as Array<{ field: string; asset_key: string; value: number }>;
    const out = new Map<string, Map<string, number>>(fields.map((f) => [f, new Map<string, number>()]));
    for (const r of rows) out.get(r.field)!.set(r.asset_key, Number(r.value));
    return out;
  }

  /** Renames an admin rejected for a stream, as [field, candidate] pairs. */
  async findRejectedRenames(source: string, stream: string): Promise<Array<[string, string]>> {
    const rows = (await this.dataSource.query(
      `SELECT field, candidate FROM drift_rejected_renames WHERE source = $1 AND stream = $2`,
      [source, stream],
    )) as Array<{ field: string; candidate: string }>;
    return rows.map((r) => [r.field, r.candidate]);
  }
}
