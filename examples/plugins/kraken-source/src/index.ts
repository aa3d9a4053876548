import { KrakenSourceModule } from './kraken-source.module.js';

/** The plugin's Nest module: the service loads it from ETL_PLUGINS=kraken-source. */
export default KrakenSourceModule;
export { KrakenSourceModule };
export { KrakenExtractor } from './kraken.extractor.js';
export { KrakenEnv } from './kraken.config.js';
export { mapKrakenTicker, type KrakenTickerPayload } from './kraken.mapper.js';
export { fixtureRoutes, krakenFixtureRoutes, TICKER_FIXTURE } from './fixture-routes.js';
