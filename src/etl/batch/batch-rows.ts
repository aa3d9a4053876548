import type { AssetCandidate } from '../../catalog/asset-candidate.js';
import type { CanonicalQuote } from '../extractor/canonical.types.js';
import { contentHash } from '../hashing.js';
import type { WriteCounts } from '../load/market-quotes.repository.js';
import type { QuarantineRow } from '../quarantine/quarantine.repository.js';

/** A quarantine row for one record; its payload hash de-duplicates it. */
export interface QuarantineRowInput {
  source: string;
  stream: string;
  naturalKey: string | null;
  payload: Record<string, unknown>;
  reason: string;
}

export function quarantineRow({ source, stream, naturalKey, payload, reason }: QuarantineRowInput): QuarantineRow {
  return { source, stream, naturalKey, payload, payloadHash: contentHash(payload), reason };
}

export function dedupeQuarantine(rows: QuarantineRow[]): QuarantineRow[] {
  return [...new Map(rows.map((r) => [r.payloadHash, r])).values()];
}

export function candidateOf(source: string, q: CanonicalQuote): AssetCandidate {
  return {
    source,
    sourceAssetId: q.sourceAssetId,
    symbol: q.symbol,
    name: q.name,
    rank: q.rank,
    priceUsd: q.priceUsd,
    marketCapUsd: q.marketCapUsd,
    observedAt: q.observedAt,
    crosswalkKey: q.crosswalkKey ?? null,
  };
}

export const ZERO_WRITES: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, duplicate: 0 };
