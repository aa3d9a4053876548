import { ApiProperty } from '@nestjs/swagger';

/** Pagination block of every list response. */
export class PaginationDto {
  @ApiProperty({ example: 50, description: 'Page size used' })
  limit: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'eyJ2IjoxfQ',
    description: 'Opaque cursor of the next page; null on the last page',
  })
  next_cursor: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1234,
    description: 'Total rows matching the filters (null when not computed). Exact, unless total_is_estimate is true.',
  })
  total: number | null;

  @ApiProperty({
    example: false,
    description:
      "true when `total` is PostgreSQL's row estimate: a filtered list matching more than 10,000 rows " +
      'is not counted per request (its cost would grow with the table). Totals per source only (or unfiltered) ' +
      'come from counters kept with every batch and are always exact.',
  })
  total_is_estimate: boolean;
}

export class ResponseMetadataDto {
  @ApiProperty({ example: '5f0c6c1e-8a43-4c1e-9a7e-2b1f6a3c9d10' })
  request_id: string;

  @ApiProperty({ example: 3.2, description: 'Server-side latency in milliseconds' })
  api_latency_ms: number;
}

/** What a list controller returns; the EnvelopeInterceptor adds `metadata`. */
export interface Page<T> {
  data: T[];
  pagination: PaginationDto;
}

/** What a single-resource controller returns; the EnvelopeInterceptor adds `metadata`. */
export interface Single<T> {
  data: T;
}
