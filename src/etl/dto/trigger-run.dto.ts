import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';

export class TriggerRunDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['coingecko', 'csv'],
    description: 'Sources to run (default: every enabled source)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^[a-z0-9_-]{1,64}$/, { each: true, message: 'each source must be a source id such as "coingecko"' })
  sources?: string[];
}

export class TriggeredRunDto {
  @ApiProperty({ example: '42' })
  run_id: string;

  @ApiProperty({ type: [String], example: ['csv', 'coinpaprika', 'coingecko', 'rss'] })
  sources: string[];

  @ApiProperty({ example: 'running' })
  status: string;

  @ApiProperty({ example: '/runs/42' })
  location: string;
}

export class SourceInfoDto {
  @ApiProperty({ example: 'coingecko' })
  id: string;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ example: ['markets'] })
  streams: string[];

  @ApiProperty({ example: 30, description: 'Requests per minute allowed against the upstream' })
  rate_limit_per_min: number;

  @ApiProperty({ example: false })
  running: boolean;

  @ApiProperty({
    enum: ['built-in', 'package'],
    example: 'package',
    description: 'Compiled into the service, or loaded from an ETL_PLUGINS package',
  })
  origin: 'built-in' | 'package';

  @ApiPropertyOptional({ example: 'kraken-source', description: 'The npm package (origin "package" only)' })
  package?: string;

  @ApiPropertyOptional({ example: '1.0.0', description: 'The package\'s version (origin "package" only)' })
  version?: string;
}
