import type { DynamicModule, Type } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { errorCodeOf } from '../../common/errors/error-code.js';

/** A source plugin package loaded from ETL_PLUGINS. */
export interface PluginPackage {
  /** The npm package name, as listed in ETL_PLUGINS. */
  name: string;
  /** Its package.json version. */
  version: string;
  /** The main export's `default`: the plugin's Nest module. */
  module: Type | DynamicModule;
}

/** Raised at boot when a package of ETL_PLUGINS cannot be used; the message names it and says why. */
export class PluginPackageError extends Error {
  constructor(
    readonly packageName: string,
    reason: string,
  ) {
    super(`ETL_PLUGINS: plugin package "${packageName}" cannot be loaded: ${reason}`);
    this.name = 'PluginPackageError';
  }
}

/** Where packages are looked up: the service's own node_modules, then the working directory's. */
export interface PluginLookup {
  /** Directories to resolve from, in order. */
  from: readonly string[];
}

export const DEFAULT_PLUGIN_LOOKUP: PluginLookup = { from: [__dirname, process.cwd()] };

/**
 * Loads each package named in ETL_PLUGINS, synchronously, while the application module is composed
 * (the Nest module graph is static). A package must be installed, load without throwing, and have
 * a Nest module as the `default` export of its main module.
 */
export function loadPluginPackages(
  names: readonly string[],
  lookup: PluginLookup = DEFAULT_PLUGIN_LOOKUP,
): PluginPackage[] {
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) throw new PluginPackageError(name, 'it is listed twice in ETL_PLUGINS');
    seen.add(name);
    return loadOne(name, lookup);
  });
}

function loadOne(name: string, lookup: PluginLookup): PluginPackage {
  const entry = resolveEntry(name, lookup);
  let exported: unknown;
  try {
    // The module's own require (Jest's inside the suite), so the package shares the service's SDK copy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package named at run time
    exported = require(entry);
  } catch (err) {
    throw new PluginPackageError(
      name,
      `its main module ${entry} throws when loaded: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const module = (exported as { default?: unknown } | null)?.default;
  if (module === undefined) {
    throw new PluginPackageError(
      name,
      `its main module ${entry} has no default export (export the plugin's Nest module as default)`,
    );
  }
  if (!isNestModule(module)) {
    throw new PluginPackageError(
      name,
      `the default export of ${entry} is not a Nest module (a class decorated with @Module, or a DynamicModule)`,
    );
  }
  return { name, version: versionOf(name, entry), module };
}

function resolveEntry(name: string, lookup: PluginLookup): string {
  try {
    return require.resolve(name, { paths: [...lookup.from] });
  } catch (err) {
    const code = errorCodeOf(err);
    const reason =
      code === 'MODULE_NOT_FOUND'
        ? `it is not installed in the service's node_modules (looked from ${lookup.from.join(', ')}); install it with npm install <package or tarball>`
        : err instanceof Error
          ? err.message
          : String(err);
    throw new PluginPackageError(name, reason);
  }
}

const MODULE_METADATA_KEYS = ['imports', 'providers', 'controllers', 'exports'];

function isNestModule(value: unknown): value is Type | DynamicModule {
  if (typeof value === 'function') {
    return MODULE_METADATA_KEYS.some((key) => Reflect.getMetadata(key, value) !== undefined);
  }
  return value !== null && typeof value === 'object' && typeof (value as DynamicModule).module === 'function';
}

/** The version of the package.json that owns `entry` (walking up: `exports` may hide package.json). */
function versionOf(name: string, entry: string): string {
  for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? 'unknown';
    }
    if (path.dirname(dir) === dir) throw new PluginPackageError(name, `no package.json named "${name}" above ${entry}`);
  }
}
