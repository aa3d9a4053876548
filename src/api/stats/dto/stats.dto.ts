import { ApiProperty } from '@nestjs/swagger';
import type { RunCountsDto } from '../../runs/dto/runs.dto.js';

export class SourceStatsDto {
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: 1000, description: 'Rows stored from this source (quotes or news items)' })
  records_total: number;
  @ApiProperty({ type: String, nullable: true, example: 'succeeded' }) last_run_status: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:00:00.000Z' }) last_run_started_at:
    string | null;
  @ApiProperty({ type: Number, nullable: true, example: 1830 }) last_run_duration_ms: number | null;
  @ApiProperty({ example: { extracted: 1000, inserted: 10, updated: 5, unchanged: 983, duplicate: 2, quarantined: 0 } })
  last_run_records: RunCountsDto | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:00:02.000Z' }) last_success_at: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) last_failure_at: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) last_error: string | null;
  @ApiProperty({
    example: {
      markets: {
        snapshot: {
          read_at: '2025-05-02T00:10:00.000Z',
          pages_read: 3,
          records_read: 600,
          max_last_updated: '2025-05-02T00:09:58.000Z',
          complete: true,
        },
      },
    },
    description: 'Committed cursor per stream (snapshot streams: what the last run read; nothing is skipped by it)',
  })
  cursor: Record<string, unknown>;
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

export class StatsResponseDto {
  @ApiProperty({ type: StatsDto }) data: StatsDto;
}
