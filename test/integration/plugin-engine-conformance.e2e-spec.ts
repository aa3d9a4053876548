import path from 'node:path';
import { runEngineConformance } from '@kasparro/etl-plugin-sdk/testing';
import KrakenSourceModule, { krakenFixtureRoutes } from '../../examples/plugins/kraken-source/src/index.js';
import { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { CoinGeckoSourceModule } from '../../src/sources/coingecko/coingecko-source.module.js';
import { CoinPaprikaSourceModule } from '../../src/sources/coinpaprika/coinpaprika-source.module.js';
import { CsvSourceModule } from '../../src/sources/csv/csv-source.module.js';
import { RssSourceModule } from '../../src/sources/rss/rss-source.module.js';
import { kasparroEngine } from '../support/kasparro-engine.js';

/**
 * Issue 22 §3, against the real engine: every built-in source and the Kraken package, run by the
 * service's EtlRunner on PostgreSQL, killed after a committed batch (shutdown) and inside a batch
 * (injected failure), resumed, must store exactly what a clean run stores.
 */
const engine = kasparroEngine();
const upstream = (coins: number) => ({
  start: async () => {
    const server = await new FixtureUpstream({ coins }).start();
    return { env: server.env(), close: () => server.stop() };
  },
});

runEngineConformance({
  title: 'engine conformance: csv',
  module: CsvSourceModule,
  engine,
  batchSize: 40,
  fixtures: { start: () => Promise.resolve({ env: { CSV_SOURCE_DIR: path.join(__dirname, '../../data') } }) },
});
runEngineConformance({
  title: 'engine conformance: coinpaprika',
  module: CoinPaprikaSourceModule,
  engine,
  batchSize: 4,
  fixtures: upstream(12),
});
runEngineConformance({
  title: 'engine conformance: coingecko',
  module: CoinGeckoSourceModule,
  engine,
  batchSize: 4,
  fixtures: upstream(12),
});
runEngineConformance({
  title: 'engine conformance: rss',
  module: RssSourceModule,
  engine,
  batchSize: 3,
  fixtures: upstream(12),
});
runEngineConformance({
  title: 'engine conformance: kraken (package plugin)',
  module: KrakenSourceModule,
  engine,
  batchSize: 2,
  fixtures: { routes: krakenFixtureRoutes(), env: (url) => ({ KRAKEN_BASE_URL: url }) },
});
