import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsString, Matches } from 'class-validator';

export class CreateBackfillDto {
  @ApiProperty({ example: 'coingecko', description: 'A source whose plugin has the history capability' })
  @IsString()
  @Matches(/^[a-z0-9_-]{1,64}$/, { message: 'source must be a source id such as "coingecko"' })
  source: string;

  @ApiProperty({
    type: [String],
    example: ['bitcoin'],
    description: "The source's own asset ids (known to the service: run the source once first)",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(/^[a-z0-9._-]{1,128}$/i, { each: true, message: 'each asset must be a source asset id such as "bitcoin"' })
  assets: string[];

  @ApiProperty({ example: '2025-01-01T00:00:00Z', description: 'Start of the range, inclusive (ISO 8601)' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 timestamp' })
  from: string;

  @ApiProperty({ example: '2025-04-01T00:00:00Z', description: 'End of the range, exclusive (ISO 8601)' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 timestamp' })
  to: string;
}

export class BackfillCreatedDto {
  @ApiProperty({ example: '3' })
  backfill_id: string;
}

export class BackfillRecordsDto {
  @ApiProperty({ example: 2160 }) extracted: number;
  @ApiProperty({ example: 2150 }) inserted: number;
  @ApiProperty({ example: 0 }) updated: number;
  @ApiProperty({ example: 10 }) unchanged: number;
  @ApiProperty({ example: 0 }) duplicate: number;
  @ApiProperty({ example: 0 }) quarantined: number;
}

export class BackfillDto {
  @ApiProperty({ example: '3' }) backfill_id: string;
  @ApiProperty({ example: 'coingecko' }) source: string;
  @ApiProperty({ type: [String], example: ['bitcoin'] }) assets: string[];
  @ApiProperty({ example: '2025-01-01T00:00:00.000Z', description: 'Inclusive' }) from: string;
  @ApiProperty({ example: '2025-04-01T00:00:00.000Z', description: 'Exclusive' }) to: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'], example: 'succeeded' })
  status: string;
  @ApiProperty({ type: BackfillRecordsDto, description: 'Run ledger counts, summed over the runs that executed it' })
  records: BackfillRecordsDto;
  @ApiProperty({ example: { total: 1, done: 1 }, description: 'Chunks (asset x range slice) planned and committed' })
  chunks: { total: number; done: number };
  @ApiProperty({
    type: String,
    nullable: true,
    example: '57',
    description: 'The latest run executing it: DELETE /etl/runs/{run_id} cancels it',
  })
  run_id: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) error: string | null;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) created_at: string;
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:00:00.100Z' }) started_at: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-05-02T00:00:03.000Z' }) finished_at: string | null;
}

export class BackfillListDto {
  @ApiProperty({ type: [BackfillDto] }) data: BackfillDto[];
}
