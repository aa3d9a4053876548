import { IsString, MinLength } from 'class-validator';

export class CsvSourceEnv {
  /** Folder whose *.csv files are ingested. */
  @IsString() @MinLength(1)
  CSV_SOURCE_DIR = 'data/';

  /** Comma-separated file names in that folder that are not market data (the identity overrides live there). */
  @IsString()
  CSV_SOURCE_IGNORE = 'asset-overrides.csv';
}

export abstract class CsvSourceConfig {
  abstract readonly dir: string;
  abstract readonly ignore: ReadonlySet<string>;
}
