import { Module } from '@nestjs/common';
import { CoinGeckoSourceModule } from './coingecko/coingecko-source.module.js';
import { CoinPaprikaSourceModule } from './coinpaprika/coinpaprika-source.module.js';
import { CsvSourceModule } from './csv/csv-source.module.js';
import { RssSourceModule } from './rss/rss-source.module.js';

/** The built-in source plugins: one line per source. The ETL engine discovers them; nothing imports them. */
@Module({ imports: [CsvSourceModule, CoinPaprikaSourceModule, CoinGeckoSourceModule, RssSourceModule] })
export class SourcesModule {}
