import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ListTotal } from '../../common/sql/list-total.js';
import { newestFirstPage } from '../../common/sql/newest-first-page.js';
import { WhereBuilder } from '../../common/sql/where-builder.js';
import type { DriftEventsQueryDto } from './dto/drift-events.dto.js';

export interface DriftEventRow {
  id: string;
  source: string;
  stream: string;
  kind: string;
  field: string;
  candidate: string;
  confidence: string | null;
  severity: string;
  action: string;
  status: string | null;
  evidence: Record<string, unknown> | null;
  rejected_at: Date | null;
  occurrences: number;
  first_seen_at: Date;
  last_seen_at: Date;
  run_id: string | null;
}

type PageRow = DriftEventRow & { cursor_at: string };

const REJECTED_AT = `(SELECT r.rejected_at FROM drift_rejected_renames r
   WHERE r.source = drift_events.source AND r.stream = drift_events.stream AND r.field = drift_events.field
     AND r.candidate = drift_events.candidate AND drift_events.kind = 'renamed') AS rejected_at`;
const COLUMNS = `source, stream, kind, field, candidate, confidence::float8::text AS confidence, severity, action,
  status, evidence,
  ${REJECTED_AT}, occurrences, first_seen_at, last_seen_at, run_id::text`;

@Injectable()
export class DriftEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  page(
    q: DriftEventsQueryDto,
    limit: number,
    after?: [string, string],
  ): Promise<{ rows: PageRow[]; total: ListTotal }> {
    const where = new WhereBuilder()
      .addIf(q.source, 'source = ?')
      .addIf(q.kind, 'kind = ?')
      .addIf(q.status, 'status = ?')
      .addIf(q.since ? new Date(q.since) : undefined, 'last_seen_at >= ?');
    return newestFirstPage(this.dataSource, {
      table: 'drift_events',
      keyset: { at: 'drift_events.last_seen_at', id: 'drift_events.id' },
      columns: COLUMNS,
      where,
      limit,
      after,
    });
  }

  async findEvent(id: string): Promise<DriftEventRow | undefined> {
    const sql = `SELECT id::text, ${COLUMNS} FROM drift_events WHERE id = $1::bigint`;
    const rows = (await this.dataSource.query(sql, [id])) as DriftEventRow[];
    return rows[0];
  }

  /**
   * Records an admin's rejection of a rename and marks its event rejected, in one transaction. A
   * second call changes nothing (the first rejection's time stays).
   */
  async rejectRename(event: DriftEventRow): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO drift_rejected_renames (source, stream, field, candidate, drift_event_id)
         VALUES ($1, $2, $3, $4, $5::bigint)
         ON CONFLICT (source, stream, field, candidate) DO NOTHING`,
        [event.source, event.stream, event.field, event.candidate, event.id],
      );
      await manager.query(
        `UPDATE drift_events SET status = 'rejected' WHERE id = $1::bigint AND status IS DISTINCT FROM 'rejected'`,
        [event.id],
      );
    });
  }
}
