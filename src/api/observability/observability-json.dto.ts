import { ApiProperty } from '@nestjs/swagger';

export class RateLimitUsageDto {
  @ApiProperty({ example: 'coingecko' }) source!: string;
  @ApiProperty({ example: 30 }) requests_per_minute!: number;
  @ApiProperty({ example: 5 }) bucket_size!: number;
  @ApiProperty({ example: 4 }) available_tokens!: number;
  @ApiProperty({ example: 1 }) requests_last_minute!: number;
}

export class ObservabilitySnapshotDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object' } },
    example: { etl_records_total: [{ labels: { source: 'csv', stream: 'quotes', outcome: 'inserted' }, value: 210 }] },
    description: 'Each ETL metric by name: its label sets and values',
  })
  counters!: Record<string, unknown>;

  @ApiProperty({ type: [RateLimitUsageDto] }) rate_limits!: RateLimitUsageDto[];
}

export class ObservabilitySnapshotResponseDto {
  @ApiProperty({ type: ObservabilitySnapshotDto }) data!: ObservabilitySnapshotDto;
}
