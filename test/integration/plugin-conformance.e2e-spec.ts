import path from 'node:path';
import { runExtractorConformance } from '@kasparro/etl-plugin-sdk/testing';
import KrakenSourceModule, { krakenFixtureRoutes } from '../../examples/plugins/kraken-source/src/index.js';
import { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import { CoinGeckoSourceModule } from '../../src/sources/coingecko/coingecko-source.module.js';
import { CoinPaprikaSourceModule } from '../../src/sources/coinpaprika/coinpaprika-source.module.js';
import { CsvSourceModule } from '../../src/sources/csv/csv-source.module.js';
import { RssSourceModule } from '../../src/sources/rss/rss-source.module.js';

/** Issue 22 §3: every built-in source passes the SDK's conformance kit, like a package plugin must. */
const upstream = () => ({
  start: async () => {
    const server = await new FixtureUpstream({ coins: 12 }).start();
    return { env: server.env(), close: () => server.stop() };
  },
});

runExtractorConformance({
  title: 'conformance: csv',
  module: CsvSourceModule,
  fixtures: { start: () => Promise.resolve({ env: { CSV_SOURCE_DIR: path.join(__dirname, '../../data') } }) },
  batchSize: 25,
  expectRejects: true,
});
runExtractorConformance({
  title: 'conformance: coinpaprika',
  module: CoinPaprikaSourceModule,
  fixtures: upstream(),
  batchSize: 5,
});
runExtractorConformance({
  title: 'conformance: coingecko',
  module: CoinGeckoSourceModule,
  fixtures: upstream(),
  batchSize: 5,
});
runExtractorConformance({ title: 'conformance: rss', module: RssSourceModule, fixtures: upstream(), batchSize: 3 });

// The fixture server composes the routes a plugin provides (no change to the server per source).
runExtractorConformance({
  title: 'conformance: kraken, its routes mounted on the fixture upstream',
  module: KrakenSourceModule,
  fixtures: {
    start: async () => {
      const server = await new FixtureUpstream({ coins: 3, plugins: { kraken: krakenFixtureRoutes() } }).start();
      return { env: { KRAKEN_BASE_URL: server.pluginBaseUrl('kraken') }, close: () => server.stop() };
    },
  },
  expectRejects: true,
});
