import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';

export class ResetStreamsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['markets'],
    description: 'Streams to reset (default: every stream of the source)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^[a-z0-9_-]{1,64}$/i, { each: true, message: 'each stream must be a stream name such as "markets"' })
  streams?: string[];
}

export class StreamsResetDto {
  @ApiProperty({ example: 'coingecko' })
  source: string;

  @ApiProperty({
    type: [String],
    example: ['markets'],
    description: 'Streams whose checkpoint was cleared: their next run re-reads everything',
  })
  streams_reset: string[];
}

export class RunCancellingDto {
  @ApiProperty({ example: '42' })
  run_id: string;

  @ApiProperty({
    example: 'cancelling',
    enum: ['cancelling'],
    description: 'The run stops at its next batch boundary, then ends `cancelled`',
  })
  status: 'cancelling';
}
