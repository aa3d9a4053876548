import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FixtureRoutes, PluginFixtureRoutes } from '@kasparro/etl-plugin-sdk/testing';

/** The recorded Ticker response the fixture routes serve (BTC, ETH, SOL in USD; one EUR pair; one bad price). */
export const TICKER_FIXTURE = path.join(__dirname, '../fixtures/ticker.json');

/** Kraken's upstream as a fixture server serves it: for the conformance kit, demos and e2e tests. */
export function krakenFixtureRoutes(): FixtureRoutes {
  const ticker = readFileSync(TICKER_FIXTURE, 'utf8');
  return {
    'GET /0/public/Ticker': () => ({ body: ticker, headers: { 'content-type': 'application/json' } }),
    'GET /0/public/Time': () => ({
      body: { error: [], result: { unixtime: 1764547200, rfc1123: 'Mon, 01 Dec 25 00:00:00 +0000' } },
    }),
  };
}

/** The package's `fixtureRoutes` export: `npm run upstream:fake` with ETL_PLUGINS=kraken-source serves these under /kraken/. */
export const fixtureRoutes: PluginFixtureRoutes = {
  sourceId: 'kraken',
  routes: krakenFixtureRoutes,
  env: (baseUrl) => ({ KRAKEN_BASE_URL: baseUrl }),
};
