import {
  IsString,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { parseCsvDialects, type CsvDialectDeclaration } from './csv-dialect.js';

@ValidatorConstraint({ name: 'csvDialects' })
class CsvDialectsSyntax implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && problemOf(value) === undefined;
  }

  defaultMessage(args?: ValidationArguments): string {
    const syntax = '<glob>:delimiter=comma|semicolon|tab,decimal=point|comma,dates=dmy|mdy;…';
    return `${problemOf(String(args?.value)) ?? 'not a string'} (syntax: ${syntax})`;
  }
}

function problemOf(value: string): string | undefined {
  try {
    parseCsvDialects(value);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export class CsvSourceEnv {
  /** Folder whose *.csv files are ingested. */
  @IsString()
  @MinLength(1)
  CSV_SOURCE_DIR = 'data/';

  /** Comma-separated file names in that folder that are not market data (the identity overrides live there). */
  @IsString()
  CSV_SOURCE_IGNORE = 'asset-overrides.csv';

  /**
   * Per file pattern, the dialect parts that are not to be detected:
   * `eu-*.csv:delimiter=semicolon,decimal=comma,dates=dmy;us.csv:dates=mdy`.
   * Empty: every file's delimiter, decimal mark and day/month order are detected (docs/SOURCES.md "CSV dialects").
   */
  @IsString()
  @Validate(CsvDialectsSyntax)
  CSV_DIALECTS = '';
}

export abstract class CsvSourceConfig {
  abstract readonly dir: string;
  abstract readonly ignore: ReadonlySet<string>;
  /** CSV_DIALECTS, parsed: the first declaration matching a file's name applies. */
  abstract readonly dialects: readonly CsvDialectDeclaration[];
}
