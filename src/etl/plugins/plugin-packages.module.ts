import { Global, Module, type DynamicModule } from '@nestjs/common';
import { buildAppConfig } from '../../platform/config/app-config.js';
import type { Environment } from '../../platform/config/config.module.js';
import { PLUGIN_ORIGINS, PluginOrigins } from './plugin-origins.js';
import { DEFAULT_PLUGIN_LOOKUP, loadPluginPackages, type PluginLookup } from './plugin-package-loader.js';

/**
 * Loads the source plugin packages of ETL_PLUGINS and imports their modules, so the SourceRegistry
 * discovers their extractors exactly like the built-in ones; provides where each came from.
 */
@Global()
@Module({})
export class PluginPackagesModule {
  static forRoot(env: Environment, lookup: PluginLookup = DEFAULT_PLUGIN_LOOKUP): DynamicModule {
    const packages = loadPluginPackages(buildAppConfig(env).etl.plugins, lookup);
    return {
      module: PluginPackagesModule,
      imports: packages.map((p) => p.module),
      providers: [{ provide: PLUGIN_ORIGINS, useValue: new PluginOrigins(packages) }],
      exports: [PLUGIN_ORIGINS],
    };
  }
}
