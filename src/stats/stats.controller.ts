import { Controller, Get, Injectable } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Single } from '../common/http/envelope.js';
import { AppConfig } from '../config/app-config.js';
import { ApiStandardErrors } from '../common/http/api-standard-errors.decorator.js';

export class SourceStatsDto {
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: 1000, description: 'Rows stored from this source (quotes or news items)' }) records_total: number;
  @ApiProperty({ type: String, nullable: true, example: 'succeeded' }) last_run_status: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:00:00.000Z' }) last_run_started_at: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 1830 }) last_run_duration_ms: number | null;
  @ApiProperty({ example: { extracted: 1000, inserted: 10, updated: 5, unchanged: 983, duplicate: 2, quarantined: 0 } })
  last_run_records: {
    extracted: number; inserted: number; updated: number; unchanged: number; duplicate: number; quarantined: number;
  } | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:00:02.000Z' }) last_success_at: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) last_failure_at: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) last_error: string | null;
  @ApiProperty({
    example: { markets: { snapshot: { read_at: '2025-05-02T00:10:00.000Z', pages_read: 3, records_read: 600,
      max_last_updated: '2025-05-02T00:09:58.000Z', complete: true } } },
    description: 'Committed cursor per stream (snapshot streams: what the last run read; nothing is skipped by it)',
  }) cursor: Record<string, unknown>;
}

export class StatsTotalsDto {
  @ApiProperty({ example: 612 }) assets: number;
  @ApiProperty({ example: 3 }) assets_needing_review: number;
  @ApiProperty({ example: 125000 }) market_quotes: number;
  @ApiProperty({ example: 300 }) news_items: number;
  @ApiProperty({ example: 48 }) runs: number;
  @ApiProperty({ example: 7 }) quarantined_records: number;
  @ApiProperty({ example: 11 }) drift_events: number;
}

export class StatsDto {
  @ApiProperty({ type: [SourceStatsDto] }) sources: SourceStatsDto[];
  @ApiProperty({ type: StatsTotalsDto }) totals: StatsTotalsDto;
}

class StatsResponseDto {
  @ApiProperty({ type: StatsDto }) data: StatsDto;
}

interface SourceRow {
  source: string; records_total: string; status: string | null; started_at: Date | null; duration_ms: number | null;
  /** bigint columns: text from pg. */
  extracted: string | null; inserted: string | null; updated: string | null; unchanged: string | null;
  duplicate: string | null; quarantined: string | null;
  last_success_at: Date | null; last_failure_at: Date | null; error_message: string | null; cursor: Record<string, unknown> | null;
}

@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async perSource(enabled: readonly string[]): Promise<SourceRow[]> {
    return (await this.dataSource.query(
      `WITH s AS (SELECT unnest($1::text[]) AS source UNION SELECT DISTINCT source FROM etl_source_runs)
       SELECT s.source,
              -- The counters kept with every batch (exact): counting the tables grew with them.
              (SELECT coalesce(sum(c.rows), 0) FROM source_counters c
                WHERE c.source = s.source AND c.table_name IN ('market_quotes', 'news_items'))::text AS records_total,
              l.status, l.started_at, l.duration_ms, l.records_extracted AS extracted, l.records_inserted AS inserted,
              l.records_updated AS updated, l.records_unchanged AS unchanged, l.records_duplicate AS duplicate,
              l.records_quarantined AS quarantined, l.error_message,
              (SELECT max(finished_at) FROM etl_source_runs r WHERE r.source = s.source AND r.status = 'succeeded') AS last_success_at,
              (SELECT max(finished_at) FROM etl_source_runs r WHERE r.source = s.source AND r.status IN ('failed', 'rate_limited', 'abandoned')) AS last_failure_at,
              (SELECT jsonb_object_agg(c.stream, c.cursor) FROM etl_checkpoints c WHERE c.source = s.source) AS cursor
         FROM s
         -- The last run of each source: a few rows of the (source, started_at) index, not the whole ledger.
         LEFT JOIN LATERAL (SELECT * FROM etl_source_runs r WHERE r.source = s.source
                             ORDER BY r.started_at DESC, r.id DESC LIMIT 1) l ON true
        ORDER BY s.source`,
      [enabled],
    )) as SourceRow[];
  }

  async totals(): Promise<StatsTotalsDto> {
    // Rows of the growing tables come from the counters; the others grow with the catalogue or
    // the run count, not with the data. bigint throughout (text to JS: no int4 overflow at 2^31).
    const counted = (table: string) => `(SELECT coalesce(sum(rows), 0) FROM source_counters WHERE table_name = '${table}')::bigint::text`;
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM assets)::bigint::text AS assets,
              (SELECT count(*) FROM assets WHERE needs_review)::bigint::text AS assets_needing_review,
              ${counted('market_quotes')} AS market_quotes, ${counted('news_items')} AS news_items,
              (SELECT count(*) FROM etl_runs)::bigint::text AS runs, ${counted('quarantined_records')} AS quarantined_records,
              (SELECT count(*) FROM drift_events)::bigint::text AS drift_events`,
    )) as Array<Record<keyof StatsTotalsDto, string>>;
    return {
      assets: Number(row.assets), assets_needing_review: Number(row.assets_needing_review),
      market_quotes: Number(row.market_quotes), news_items: Number(row.news_items), runs: Number(row.runs),
      quarantined_records: Number(row.quarantined_records), drift_events: Number(row.drift_events),
    };
  }
}

@ApiTags('stats')
@ApiStandardErrors({ noInput: true })
@Controller('stats')
export class StatsController {
  constructor(private readonly repository: StatsRepository, private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({
    summary: 'Per-source ETL statistics (records, last run, last success/failure, cursor) and totals',
    description: 'One entry per enabled source, read from the run ledger and the per-source row counters (kept in '
      + 'the transaction of every batch, so the counts are exact and the cost does not grow with the tables).',
  })
  @ApiOkResponse({ type: StatsResponseDto })
  async stats(): Promise<Single<StatsDto>> {
    const enabled = new Set(this.config.etl.sources);
    const [rows, totals] = await Promise.all([this.repository.perSource([...enabled]), this.repository.totals()]);
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return {
      data: {
        sources: rows.map((r) => ({
          source: r.source,
          enabled: enabled.has(r.source),
          records_total: Number(r.records_total),
          last_run_status: r.status,
          last_run_started_at: iso(r.started_at),
          last_run_duration_ms: r.duration_ms,
          last_run_records: r.status === null ? null : {
            extracted: Number(r.extracted ?? 0), inserted: Number(r.inserted ?? 0), updated: Number(r.updated ?? 0),
            unchanged: Number(r.unchanged ?? 0), duplicate: Number(r.duplicate ?? 0), quarantined: Number(r.quarantined ?? 0),
          },
          last_success_at: iso(r.last_success_at),
          last_failure_at: iso(r.last_failure_at),
          last_error: r.error_message,
          cursor: r.cursor ?? {},
        })),
        totals,
      },
    };
  }
}
