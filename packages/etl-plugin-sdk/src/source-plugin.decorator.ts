import { DiscoveryService } from '@nestjs/core';

/** Options of {@link SourcePlugin}. */
export interface SourcePluginOptions {
  /** The source id; must equal the extractor's `sourceId`. */
  id: string;
}

/**
 * Marks an `Extractor` provider as a data source plugin. The SourceRegistry finds every provider
 * carrying it at boot: a source module is imported once and never referenced by the engine. The
 * service imports this same decorator from the SDK, so it must be ONE copy of the package: a plugin
 * peer-depends on `@kasparro/etl-plugin-sdk` and never bundles it.
 *
 * @example
 * ```ts
 * @SourcePlugin({ id: 'coingecko' })
 * @Injectable()
 * export class CoinGeckoExtractor implements Extractor { ... }
 * ```
 */
export const SourcePlugin = DiscoveryService.createDecorator<SourcePluginOptions>();
