import type { Environment } from '../source-config.js';
import type { FixtureRoutes } from './fixture-server.js';

/** Fixtures the kit serves itself: the plugin's routes on a loopback server, and the env pointing the plugin at it. */
export interface RouteFixtures {
  routes: FixtureRoutes;
  /** The plugin's env for a fixture server at `baseUrl` (e.g. `{ ACME_BASE_URL: baseUrl }`). */
  env: (baseUrl: string) => Environment;
}

/** Fixtures the caller starts (a fixture server of its own, files on disk): the env, and how to stop them. */
export interface StartedFixtures {
  start: () => Promise<{ env: Environment; close?: () => Promise<void> }>;
}
