import type { MapResult } from './canonical.types.js';
import type { ExtractContext, ExtractedBatch, Extractor, RawRecord, StreamDefinition } from './extractor.interface.js';

/** What an extractor says about itself: the descriptive members of {@link Extractor}, in one object. */
export interface ExtractorDeclaration {
  /** {@link Extractor.sourceId}: equal to the `@SourcePlugin({ id })`. */
  sourceId: string;
  /** {@link Extractor.streams} (see `streamOf`). */
  streams: readonly StreamDefinition[];
  /** {@link Extractor.rateLimitPerMinute} (engine default 60). */
  rateLimitPerMinute?: number;
  /** {@link Extractor.priority} (engine default 0). */
  priority?: number;
}

/**
 * An optional base for extractors: the source's id, streams, rate limit and priority are declared
 * once, as the argument of `super(...)`, and the subclass writes only `extract` and `map` (and
 * `probe`, `history` when it has them). Implementing {@link Extractor} directly stays equally valid.
 *
 * @example
 * ```ts
 * @SourcePlugin({ id: 'acme' })
 * @Injectable()
 * export class AcmeExtractor extends DeclaredExtractor {
 *   constructor(@Inject(ACME_CONFIG) private readonly config: AcmeEnv) {
 *     super({ sourceId: 'acme', rateLimitPerMinute: 120, streams: [streamOf('tickers', 'market_quotes', 'id:string!')] });
 *   }
 *   async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> { ... }
 *   map(record: RawRecord): MapResult { ... }
 * }
 * ```
 */
export abstract class DeclaredExtractor implements Extractor {
  readonly sourceId: string;
  readonly streams: readonly StreamDefinition[];
  // `declare`: no own property unless declared (class fields would define them as undefined).
  declare readonly rateLimitPerMinute?: number;
  declare readonly priority?: number;

  protected constructor(declaration: ExtractorDeclaration) {
    this.sourceId = declaration.sourceId;
    this.streams = declaration.streams;
    if (declaration.rateLimitPerMinute !== undefined) {
      (this as { rateLimitPerMinute?: number }).rateLimitPerMinute = declaration.rateLimitPerMinute;
    }
    if (declaration.priority !== undefined) (this as { priority?: number }).priority = declaration.priority;
  }

  abstract extract(context: ExtractContext): AsyncIterable<ExtractedBatch>;

  abstract map(record: RawRecord, stream: string): MapResult;
}
