import type { DynamicModule, Type } from '@nestjs/common';
import type { PluginPackage } from './plugin-package-loader.js';

/** Where a source plugin came from, as GET /etl/sources shows it. */
export type PluginOrigin = { origin: 'built-in' } | { origin: 'package'; package: string; version: string };

/** Injection token of the {@link PluginOrigins} of the booted application. */
export const PLUGIN_ORIGINS = Symbol('PLUGIN_ORIGINS');

/**
 * Which Nest modules each ETL_PLUGINS package brought in (its default module and every module it
 * imports, transitively), so the registry can tell a package's extractor from a built-in one.
 */
export class PluginOrigins {
  private readonly byModule = new Map<unknown, PluginOrigin>();

  constructor(packages: readonly PluginPackage[]) {
    for (const pkg of packages) {
      const origin: PluginOrigin = { origin: 'package', package: pkg.name, version: pkg.version };
      for (const module of modulesOf(pkg.module)) if (!this.byModule.has(module)) this.byModule.set(module, origin);
    }
  }

  /** The origin of a provider declared in `hostModule` (a module class). */
  of(hostModule: unknown): PluginOrigin {
    return this.byModule.get(hostModule) ?? { origin: 'built-in' };
  }
}

type ModuleRef = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => unknown } | undefined;

function modulesOf(root: ModuleRef, seen = new Set<unknown>()): Set<unknown> {
  if (root === undefined || root instanceof Promise) return seen;
  if ('forwardRef' in root && typeof root.forwardRef === 'function') {
    return modulesOf(root.forwardRef() as ModuleRef, seen);
  }
  const cls = typeof root === 'function' ? root : (root as DynamicModule).module;
  if (seen.has(cls)) return seen;
  seen.add(cls);
  const imports = [
    ...((Reflect.getMetadata('imports', cls) as ModuleRef[] | undefined) ?? []),
    ...(typeof root === 'function' ? [] : (((root as DynamicModule).imports as ModuleRef[] | undefined) ?? [])),
  ];
  for (const child of imports) modulesOf(child, seen);
  return seen;
}
