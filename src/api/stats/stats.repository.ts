import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FAILED_RUN_STATUSES, lastFinishedAtSql, lastSourceRunSql } from '../../common/sql/last-source-run.js';
import type { StatsTotalsDto } from './dto/stats.dto.js';

export interface SourceStatsRow {
  source: string;
  records_total: string;
  status: string | null;
  started_at: Date | null;
  duration_ms: number | null;
  /** bigint columns: text from pg. */
  extracted: string | null;
  inserted: string | null;
  updated: string | null;
  unchanged: string | null;
  duplicate: string | null;
  quarantined: string | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  error_message: string | null;
  cursor: Record<string, unknown> | null;
}

@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Each enabled source and each source in the ledger: its row count, last run, last success/failure, cursors. */
  async perSource(enabled: readonly string[]): Promise<SourceStatsRow[]> {
    return (await this.dataSource.query(
      `WITH s AS (SELECT unnest($1::text[]) AS source UNION SELECT DISTINCT source FROM etl_source_runs)
       SELECT s.source,
              -- The counters kept with every batch (exact): counting the tables grew with them.
              (SELECT coalesce(sum(c.rows), 0) FROM source_counters c
                WHERE c.source = s.source AND c.table_name IN ('market_quotes', 'news_items'))::text AS records_total,
              l.status, l.started_at, l.duration_ms, l.records_extracted AS extracted, l.records_inserted AS inserted,
              l.records_updated AS updated, l.records_unchanged AS unchanged, l.records_duplicate AS duplicate,
              l.records_quarantined AS quarantined, l.error_message,
              ${lastFinishedAtSql('s.source', ['succeeded'])} AS last_success_at,
              ${lastFinishedAtSql('s.source', FAILED_RUN_STATUSES)} AS last_failure_at,
              (SELECT jsonb_object_agg(c.stream, c.cursor) FROM etl_checkpoints c WHERE c.source = s.source) AS cursor
         FROM s
         LEFT JOIN LATERAL (${lastSourceRunSql('s.source')}) l ON true
        ORDER BY s.source`,
      [enabled],
    )) as SourceStatsRow[];
  }

  async totals(): Promise<StatsTotalsDto> {
    // Rows of the growing tables come from the counters; the others grow with the catalogue or
    // the run count, not with the data. bigint throughout (text to JS: no int4 overflow at 2^31).
    const counted = (table: string) =>
      `(SELECT coalesce(sum(rows), 0) FROM source_counters WHERE table_name = '${table}')::bigint::text`;
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM assets)::bigint::text AS assets,
              (SELECT count(*) FROM assets WHERE needs_review)::bigint::text AS assets_needing_review,
              ${counted('market_quotes')} AS market_quotes, ${counted('news_items')} AS news_items,
              (SELECT count(*) FROM etl_runs)::bigint::text AS runs, ${counted('quarantined_records')} AS quarantined_records,
              (SELECT count(*) FROM drift_events)::bigint::text AS drift_events`,
    )) as Array<Record<keyof StatsTotalsDto, string>>;
    return {
      assets: Number(row.assets),
      assets_needing_review: Number(row.assets_needing_review),
      market_quotes: Number(row.market_quotes),
      news_items: Number(row.news_items),
      runs: Number(row.runs),
      quarantined_records: Number(row.quarantined_records),
      drift_events: Number(row.drift_events),
    };
  }
}
