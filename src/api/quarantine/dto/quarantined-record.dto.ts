import { ApiProperty } from '@nestjs/swagger';
import { PaginationDto } from '../../../common/http/envelope.js';

export class QuarantinedRecordDto {
  @ApiProperty({ example: '7' }) id: string;
  @ApiProperty({ example: 'csv' }) source: string;
  @ApiProperty({ example: 'quotes' }) stream: string;
  @ApiProperty({ type: String, nullable: true, example: 'exchange-export-quirky.csv#8' }) natural_key: string | null;
  @ApiProperty({ example: 'price_usd: not a number: "not-a-price"' }) reason: string;
  @ApiProperty({ example: { symbol: 'BNB', price_usd: 'not-a-price' }, description: 'The raw payload as received' })
  payload: unknown;
  @ApiProperty({
    enum: ['jsonb', 'text'],
    example: 'jsonb',
    description:
      'How the payload is stored: `text` when PostgreSQL jsonb refuses it (a NUL or an unpaired surrogate ' +
      'in a string); it is served the same way',
  })
  payload_storage: 'jsonb' | 'text';
  @ApiProperty({ example: 1 }) occurrences: number;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) first_seen_at: string;
  @ApiProperty({ example: '2025-05-02T00:00:00.000Z' }) last_seen_at: string;
  @ApiProperty({ type: String, nullable: true, example: '3' }) run_id: string | null;
  @ApiProperty({
    enum: ['open', 'resolved'],
    example: 'open',
    description: '`resolved` once a replay loaded the row (the entry is kept)',
  })
  status: 'open' | 'resolved';
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The replay run that loaded the row' })
  resolved_by_run_id: string | null;
}

export class QuarantinePageDto {
  @ApiProperty({ type: [QuarantinedRecordDto] }) data: QuarantinedRecordDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}
