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
  extracted: number | null; inserted: number | null; updated: number | null; unchanged: number | null;
  duplicate: number | null; quarantined: number | null;
  last_success_at: Date | null; last_failure_at: Date | null; error_message: string | null; cursor: Record<string, unknown> | null;
}

@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async perSource(enabled: readonly string[]): Promise<SourceRow[]> {
    return (await this.dataSource.query(
      `WITH s AS (SELECT unnest($1::text[]) AS source UNION SELECT DISTINCT source FROM etl_source_runs),
            last AS (SELECT DISTINCT ON (source) * FROM etl_source_runs ORDER BY source, started_at DESC, id DESC)
       SELECT s.source,
              ((SELECT count(*) FROM market_quotes q WHERE q.source = s.source) + (SELECT count(*) FROM news_items n WHERE n.source = s.source))::text AS records_total,
              l.status, l.started_at, l.duration_ms, l.records_extracted AS extracted, l.records_inserted AS inserted,
              l.records_updated AS updated, l.records_unchanged AS unchanged, l.records_duplicate AS duplicate,
              l.records_quarantined AS quarantined, l.error_message,
              (SELECT max(finished_at) FROM etl_source_runs r WHERE r.source = s.source AND r.status = 'succeeded') AS last_success_at,
              (SELECT max(finished_at) FROM etl_source_runs r WHERE r.source = s.source AND r.status IN ('failed', 'rate_limited', 'abandoned')) AS last_failure_at,
              (SELECT jsonb_object_agg(c.stream, c.cursor) FROM etl_checkpoints c WHERE c.source = s.source) AS cursor
         FROM s LEFT JOIN last l ON l.source = s.source
        ORDER BY s.source`,
      [enabled],
    )) as SourceRow[];
  }

  async totals(): Promise<StatsTotalsDto> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM assets)::int AS assets, (SELECT count(*) FROM assets WHERE needs_review)::int AS assets_needing_review,
              (SELECT count(*) FROM market_quotes)::int AS market_quotes, (SELECT count(*) FROM news_items)::int AS news_items,
              (SELECT count(*) FROM etl_runs)::int AS runs, (SELECT count(*) FROM quarantined_records)::int AS quarantined_records,
              (SELECT count(*) FROM drift_events)::int AS drift_events`,
    )) as StatsTotalsDto[];
    return row;
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
    description: 'One entry per enabled source, read from the run ledger and the stored rows.',
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
            extracted: r.extracted ?? 0, inserted: r.inserted ?? 0, updated: r.updated ?? 0,
            unchanged: r.unchanged ?? 0, duplicate: r.duplicate ?? 0, quarantined: r.quarantined ?? 0,
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
