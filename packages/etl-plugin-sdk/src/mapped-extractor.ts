import type { MapResult } from './canonical.types.js';
import { DeclaredExtractor, type ExtractorDeclaration } from './declared-extractor.js';
import type { RawRecord } from './extractor.interface.js';

/** A declaration whose records are mapped from their payload alone, by a pure mapper function. */
export interface MappedExtractorDeclaration extends ExtractorDeclaration {
  /** `Extractor.map` of the record's payload: pure, as `map` must be. */
  mapPayload: (payload: Record<string, unknown>, stream: string) => MapResult;
}

/**
 * A {@link DeclaredExtractor} whose `map` is its declared `mapPayload` (the usual case: the mapper is
 * a pure function of the payload, kept in its own file with its own spec), so the subclass writes
 * only `extract` (and `probe`, `history` when it has them).
 *
 * @example
 * ```ts
 * super({ sourceId: 'acme', streams: [TICKERS], mapPayload: mapAcmeTicker });
 * ```
 */
export abstract class MappedExtractor extends DeclaredExtractor {
  private readonly mapPayload: MappedExtractorDeclaration['mapPayload'];

  protected constructor(declaration: MappedExtractorDeclaration) {
    super(declaration);
    this.mapPayload = declaration.mapPayload;
  }

  map(record: RawRecord, stream: string): MapResult {
    return this.mapPayload(record.payload, stream);
  }
}
