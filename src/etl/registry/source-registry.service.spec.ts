import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../platform/config/config.module.js';
import { PLUGIN_ORIGINS, PluginOrigins } from '../plugins/plugin-origins.js';
import { RateLimitRegistry } from '../http-client/rate-limit.registry.js';
import { SourcePlugin, type Extractor } from '@kasparro/etl-plugin-sdk';
import { SourceRegistry, SourceRegistryError } from './source-registry.service.js';

function fakeExtractor(id: string, declaredSourceId = id): new () => Extractor {
  @SourcePlugin({ id })
  @Injectable()
  class Fake implements Extractor {
    readonly sourceId = declaredSourceId;
    readonly streams = [{ name: 's', kind: 'market_quotes' as const }];
    readonly rateLimitPerMinute = 42;
    async *extract() {}
    map() {
      return { ok: false as const, reason: 'n/a' };
    }
  }
  return Fake;
}

async function boot(
  env: Record<string, string>,
  plugins: Array<new () => Extractor>,
  packaged: Array<new () => Extractor> = [],
) {
  const registered: Array<[string, number]> = [];
  @Module({ providers: plugins })
  class PluginsModule {}
  // What PluginPackagesModule makes of an ETL_PLUGINS package: its module, and where it came from.
  @Module({ providers: packaged })
  class PackageModule {}
  const origins = new PluginOrigins([{ name: '@acme/etl-source', version: '2.1.0', module: PackageModule }]);
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(env), DiscoveryModule, PluginsModule, PackageModule],
    providers: [
      SourceRegistry,
      {
        provide: RateLimitRegistry,
        useValue: { registerSource: (s: string, rpm: number) => registered.push([s, rpm]) },
      },
      { provide: PLUGIN_ORIGINS, useValue: origins },
    ],
  }).compile();
  await moduleRef.init();
  return { registry: moduleRef.get(SourceRegistry), registered, close: () => moduleRef.close() };
}

describe(SourceRegistry.name, () => {
  it("should tell a package's plugin from a built-in one", async () => {
    const { registry, close } = await boot(
      { ETL_SOURCES: 'alpha,acme' },
      [fakeExtractor('alpha')],
      [fakeExtractor('acme')],
    );

    expect(registry.originOf('alpha')).toEqual({ origin: 'built-in' });
    expect(registry.originOf('acme')).toEqual({ origin: 'package', package: '@acme/etl-source', version: '2.1.0' });
    await close();
  });

  it('should fail boot when a package reuses a built-in id, naming both', async () => {
    await expect(boot({ ETL_SOURCES: 'alpha' }, [fakeExtractor('alpha')], [fakeExtractor('alpha')])).rejects.toThrow(
      'two source plugins use the id "alpha" (built-in and package @acme/etl-source@2.1.0): ids must be unique',
    );
  });

  it('should discover every decorated extractor and register its rate limit', async () => {
    const { registry, registered, close } = await boot({ ETL_SOURCES: 'alpha' }, [
      fakeExtractor('alpha'),
      fakeExtractor('beta'),
    ]);

    expect(registry.ids()).toEqual(['alpha', 'beta']);
    expect(registry.enabledIds()).toEqual(['alpha']);
    expect(registry.get('beta')?.sourceId).toBe('beta');
    expect(registered.sort()).toEqual([
      ['alpha', 42],
      ['beta', 42],
    ]);
    await close();
  });

  it('should let <SOURCE>_RATE_LIMIT_PER_MIN override the declared limit', async () => {
    const { registry, close } = await boot({ ETL_SOURCES: 'alpha', ALPHA_RATE_LIMIT_PER_MIN: '7' }, [
      fakeExtractor('alpha'),
    ]);

    expect(registry.rateLimitOf('alpha')).toBe(7);
    await close();
  });

  it('should fail boot when ETL_SOURCES names a source with no plugin', async () => {
    await expect(boot({ ETL_SOURCES: 'alpha,ghost' }, [fakeExtractor('alpha')])).rejects.toThrow(
      new SourceRegistryError('ETL_SOURCES names "ghost" but no such source plugin is installed (available: alpha)'),
    );
  });

  it('should fail boot on two plugins with the same id', async () => {
    await expect(boot({ ETL_SOURCES: 'alpha' }, [fakeExtractor('alpha'), fakeExtractor('alpha')])).rejects.toThrow(
      /two source plugins use the id "alpha"/,
    );
  });

  it('should fail boot when the decorator id and sourceId differ', async () => {
    await expect(boot({ ETL_SOURCES: 'alpha' }, [fakeExtractor('alpha', 'other')])).rejects.toThrow(
      /declares sourceId "other"/,
    );
  });

  it('should fail boot on an invalid rate limit override', async () => {
    await expect(
      boot({ ETL_SOURCES: 'alpha', ALPHA_RATE_LIMIT_PER_MIN: 'fast' }, [fakeExtractor('alpha')]),
    ).rejects.toThrow(/ALPHA_RATE_LIMIT_PER_MIN="fast"/);
  });
});
