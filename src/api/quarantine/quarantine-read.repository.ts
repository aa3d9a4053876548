import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { exactTotal, type ListTotal } from '../../common/sql/list-total.js';
import { SourceCountersRepository } from '../../catalog/counters/source-counters.repository.js';
import { newestFirstPage } from '../../common/sql/newest-first-page.js';
import { WhereBuilder } from '../../common/sql/where-builder.js';

export interface QuarantineRow {
  id: string;
  cursor_at: string;
  source: string;
  stream: string;
  natural_key: string | null;
  reason: string;
  /** jsonb, or null when the payload is kept as text (payload_text). */
  payload: unknown;
  payload_text: string | null;
  occurrences: number;
  first_seen_at: Date;
  last_seen_at: Date;
  run_id: string | null;
  status: 'open' | 'resolved';
  resolved_by_run_id: string | null;
}

export interface QuarantinePage {
  rows: QuarantineRow[];
  total: ListTotal;
}

const QUARANTINE_COLUMNS =
  'source, stream, natural_key, reason, payload, payload_text, occurrences, first_seen_at, last_seen_at, ' +
  'run_id::text, status, resolved_by_run_id::text';

export interface QuarantineFilter {
  source?: string;
  since?: Date;
  /** `all`, or only the entries in that status. */
  status: 'open' | 'resolved' | 'all';
}

@Injectable()
export class QuarantineReadRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: SourceCountersRepository,
  ) {}

  page(f: QuarantineFilter, limit: number, after?: [string, string]): Promise<QuarantinePage> {
    const where = new WhereBuilder()
      .addIf(f.source, 'source = ?')
      .addIf(f.since, 'last_seen_at >= ?')
      .addIf(f.status === 'all' ? undefined : f.status, 'status = ?');
    // Every status, per source or all: the counters hold it exactly (no count of the table).
    const counted =
      f.status === 'all' && f.since === undefined
        ? async () => exactTotal(await this.counters.total('quarantined_records', f.source))
        : undefined;
    return newestFirstPage<QuarantineRow>(this.dataSource, {
      table: 'quarantined_records',
      keyset: { at: 'quarantined_records.last_seen_at', id: 'quarantined_records.id' },
      columns: QUARANTINE_COLUMNS,
      where,
      limit,
      after,
      knownTotal: counted,
    });
  }
}
