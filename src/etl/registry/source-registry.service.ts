import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AppConfig } from '../../platform/config/app-config.js';
import { ENVIRONMENT, type Environment } from '../../platform/config/config.module.js';
import { PLUGIN_ORIGINS, PluginOrigins, type PluginOrigin } from '../plugins/plugin-origins.js';
import { RateLimitRegistry } from '../http-client/rate-limit.registry.js';
import { SourcePlugin, type Extractor } from '@kasparro/etl-plugin-sdk';

const DEFAULT_RATE_LIMIT_PER_MIN = 60;

/** Raised at boot when the set of plugins is inconsistent; the message says what to fix. */
export class SourceRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceRegistryError';
  }
}

/** The env variable that overrides a source's rate limit: `<SOURCE>_RATE_LIMIT_PER_MIN`. */
export function rateLimitVariable(sourceId: string): string {
  return `${sourceId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_RATE_LIMIT_PER_MIN`;
}

/**
 * Collects every provider marked `@SourcePlugin` once at boot. Fails boot on a duplicate id, an id
 * that differs from the extractor's `sourceId`, a provider that is not an extractor, or an id in
 * ETL_SOURCES with no plugin.
 */
@Injectable()
export class SourceRegistry implements OnModuleInit {
  private readonly logger = new Logger(SourceRegistry.name);
  private readonly plugins = new Map<string, Extractor>();
  private readonly origins = new Map<string, PluginOrigin>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    private readonly rateLimits: RateLimitRegistry,
    @Inject(ENVIRONMENT) private readonly env: Environment,
    @Optional() @Inject(PLUGIN_ORIGINS) private readonly packages: PluginOrigins = new PluginOrigins([]),
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: SourcePlugin.KEY })) {
      const options = this.discovery.getMetadataByDecorator(SourcePlugin, wrapper);
      const instance = wrapper.instance as Partial<Extractor> | undefined;
      const id = options?.id;
      if (!id) throw new SourceRegistryError(`${wrapper.name}: @SourcePlugin needs an id`);
      if (!instance || typeof instance.extract !== 'function' || typeof instance.map !== 'function') {
        throw new SourceRegistryError(
          `source plugin "${id}" (${wrapper.name}) must implement extract() and map() of the Extractor interface`,
        );
      }
      if (instance.sourceId !== id) {
        throw new SourceRegistryError(
          `source plugin "${id}" (${wrapper.name}) declares sourceId "${String(instance.sourceId)}": they must be equal`,
        );
      }
      if (!Array.isArray(instance.streams) || instance.streams.length === 0) {
        throw new SourceRegistryError(`source plugin "${id}" declares no streams`);
      }
      const origin = this.packages.of(wrapper.host?.metatype);
      if (this.plugins.has(id)) {
        throw new SourceRegistryError(
          `two source plugins use the id "${id}" (${describeOrigin(this.origins.get(id)!)} and ${describeOrigin(origin)}): ids must be unique`,
        );
      }
      this.plugins.set(id, instance as Extractor);
      this.origins.set(id, origin);
    }
    const missing = this.config.etl.sources.filter((id) => !this.plugins.has(id));
    if (missing.length > 0) {
      throw new SourceRegistryError(
        `ETL_SOURCES names ${missing.map((m) => `"${m}"`).join(', ')} but no such source plugin is installed ` +
          `(available: ${[...this.plugins.keys()].sort().join(', ') || 'none'})`,
      );
    }
    for (const [id, extractor] of this.plugins) this.rateLimits.registerSource(id, this.rateLimitOf(id, extractor));
    this.logger.log({ discovered: this.ids(), enabled: this.enabledIds() }, 'source plugins registered');
  }

  /** Every discovered source id, sorted. */
  ids(): string[] {
    return [...this.plugins.keys()].sort();
  }

  /** The ids enabled by ETL_SOURCES, in that order. */
  enabledIds(): string[] {
    return [...this.config.etl.sources];
  }

  /** Where the plugin came from: built in, or an ETL_PLUGINS package (name and version). */
  originOf(id: string): PluginOrigin {
    return this.origins.get(id) ?? { origin: 'built-in' };
  }

  get(id: string): Extractor | undefined {
    return this.plugins.get(id);
  }

  rateLimitOf(id: string, extractor = this.plugins.get(id)): number {
    const variable = rateLimitVariable(id);
    const raw = this.env[variable];
    if (raw !== undefined && raw.trim() !== '') {
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) {
        throw new SourceRegistryError(`${variable}="${raw}": must be a positive number of requests per minute`);
      }
      return value;
    }
    return extractor?.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MIN;
  }
}

function describeOrigin(origin: PluginOrigin): string {
  return origin.origin === 'package' ? `package ${origin.package}@${origin.version}` : 'built-in';
}
