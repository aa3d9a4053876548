import { runExtractorConformance } from '@kasparro/etl-plugin-sdk/testing';
import KrakenSourceModule from '../src/index.js';
import { krakenFixtureRoutes } from '../src/fixture-routes.js';

// The plugin's own acceptance test: the SDK's kit against its module and its recorded upstream.
runExtractorConformance({
  module: KrakenSourceModule,
  fixtures: { routes: krakenFixtureRoutes(), env: (url) => ({ KRAKEN_BASE_URL: url }) },
  batchSize: 2,
  expectRejects: true,
});
