import { Module } from '@nestjs/common';
import { ENVIRONMENT, loadSourceConfig, type Environment } from '@kasparro/etl-plugin-sdk';
import { CsvSourceConfig, CsvSourceEnv } from './csv.config.js';
import { parseCsvDialects } from './csv-dialect.js';
import { CsvExtractor } from './csv.extractor.js';

@Module({
  providers: [
    CsvExtractor,
    {
      provide: CsvSourceConfig,
      inject: [ENVIRONMENT],
      useFactory: (env: Environment): CsvSourceConfig => {
        const e = loadSourceConfig(CsvSourceEnv, env);
        return {
          dir: e.CSV_SOURCE_DIR,
          ignore: new Set(
            e.CSV_SOURCE_IGNORE.split(',')
              .map((f) => f.trim().toLowerCase())
              .filter(Boolean),
          ),
          dialects: parseCsvDialects(e.CSV_DIALECTS),
        };
      },
    },
  ],
})
export class CsvSourceModule {}
