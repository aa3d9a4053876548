import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';

export class ReplayQuarantineDto {
  @ApiProperty({ example: 'csv', description: 'The source whose open quarantine entries are replayed' })
  @IsString()
  @Matches(/^[a-z0-9_-]{1,64}$/, { message: 'source must be a source id such as "csv"' })
  source: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['7', '8'],
    description: 'Entry ids to replay (default: every open entry of the source)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @Matches(/^[1-9][0-9]{0,17}$/, { each: true, message: 'each id must be a quarantine entry id such as "7"' })
  ids?: string[];
}

export class ReplayStartedDto {
  @ApiProperty({ example: '43', description: 'The replay run (trigger `replay`): follow it at /runs/{run_id}' })
  run_id: string;

  @ApiProperty({ example: 12, description: "Open entries fed back through today's rules and mappers" })
  replayed: number;
}
