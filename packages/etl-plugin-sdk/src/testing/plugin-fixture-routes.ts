import type { Environment } from '../source-config.js';
import type { FixtureRoutes } from './fixture-server.js';

/**
 * A plugin package's recorded upstream, for fixture servers other than its own tests' (the service's
 * `npm run upstream:fake`, demos). A package exports it from its main module under the name
 * {@link PLUGIN_FIXTURE_ROUTES_EXPORT} (`fixtureRoutes`); the fixture server serves `routes()` under
 * `/<sourceId>/` and prints `env(<that base URL>)`, the variables pointing the plugin at it.
 *
 * Optional: a package without it still loads in the service; the fixture server only says it has no routes.
 *
 * @example
 * ```ts
 * export const fixtureRoutes: PluginFixtureRoutes = {
 *   sourceId: 'acme',
 *   routes: acmeFixtureRoutes,
 *   env: (baseUrl) => ({ ACME_BASE_URL: baseUrl }),
 * };
 * ```
 */
export interface PluginFixtureRoutes {
  /** The plugin's source id (its `@SourcePlugin` id): the routes are served under `/<sourceId>/`. */
  sourceId: string;
  /** The plugin's fixture routes (`"GET /v1/tickers"`), paths relative to its base URL. */
  routes: () => FixtureRoutes;
  /** The plugin's env for a fixture server serving its routes at `baseUrl`. */
  env: (baseUrl: string) => Environment;
}

/** The named export of a plugin package's main module that holds its {@link PluginFixtureRoutes}. */
export const PLUGIN_FIXTURE_ROUTES_EXPORT = 'fixtureRoutes';

/** Whether `value` (a package's `fixtureRoutes` export) is a {@link PluginFixtureRoutes}. */
export function isPluginFixtureRoutes(value: unknown): value is PluginFixtureRoutes {
  const v = value as Partial<PluginFixtureRoutes> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.sourceId === 'string' &&
    /^[a-z0-9_-]+$/.test(v.sourceId) &&
    typeof v.routes === 'function' &&
    typeof v.env === 'function'
  );
}
