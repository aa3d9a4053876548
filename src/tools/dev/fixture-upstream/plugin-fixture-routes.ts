import {
  isPluginFixtureRoutes,
  PLUGIN_FIXTURE_ROUTES_EXPORT,
  type PluginFixtureRoutes,
} from '@kasparro/etl-plugin-sdk/testing';
import { DEFAULT_PLUGIN_LOOKUP, type PluginLookup } from '../../../etl/plugins/plugin-package-loader.js';

/** What each ETL_PLUGINS package gives the fixture server: its routes, or why it gives none. */
export interface PluginPackageFixtures {
  /** Packages whose `fixtureRoutes` export the server mounts. */
  mounted: Array<PluginFixtureRoutes & { packageName: string }>;
  /** Packages with no (usable) `fixtureRoutes` export, and why. */
  skipped: Array<{ packageName: string; reason: string }>;
}

/**
 * Reads the `fixtureRoutes` export (see the SDK's `PluginFixtureRoutes`) of every package named in
 * ETL_PLUGINS, resolved like the service resolves them. A package that cannot be loaded throws
 * (naming it), as at the service's boot; one without the export is skipped, with the reason.
 */
export function loadPluginFixtureRoutes(
  names: readonly string[],
  lookup: PluginLookup = DEFAULT_PLUGIN_LOOKUP,
): PluginPackageFixtures {
  const result: PluginPackageFixtures = { mounted: [], skipped: [] };
  const ids = new Map<string, string>();
  for (const packageName of names) {
    const exported = requirePackage(packageName, lookup)[PLUGIN_FIXTURE_ROUTES_EXPORT];
    if (exported === undefined) {
      result.skipped.push({ packageName, reason: `its main module has no "${PLUGIN_FIXTURE_ROUTES_EXPORT}" export` });
      continue;
    }
    if (!isPluginFixtureRoutes(exported)) {
      result.skipped.push({
        packageName,
        reason: `its "${PLUGIN_FIXTURE_ROUTES_EXPORT}" export is not { sourceId, routes(), env(baseUrl) }`,
      });
      continue;
    }
    const owner = ids.get(exported.sourceId);
    if (owner) {
      throw new Error(
        `ETL_PLUGINS: packages "${owner}" and "${packageName}" both provide fixture routes for source "${exported.sourceId}"`,
      );
    }
    ids.set(exported.sourceId, packageName);
    result.mounted.push({ ...exported, packageName });
  }
  return result;
}

function requirePackage(name: string, lookup: PluginLookup): Record<string, unknown> {
  let entry: string;
  try {
    entry = require.resolve(name, { paths: [...lookup.from] });
  } catch {
    throw new Error(`ETL_PLUGINS: plugin package "${name}" is not installed (looked from ${lookup.from.join(', ')})`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package named at run time
  return require(entry) as Record<string, unknown>;
}
