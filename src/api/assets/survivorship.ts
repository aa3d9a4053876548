/** A source's descriptive fields for an asset, as its mapping stores them. */
export interface SourceFields {
  source: string;
  name: string | null;
  rank: number | null;
}

/** The descriptive fields an asset shows, and which source each came from (null: the asset's own). */
export interface SurvivingFields {
  name: string;
  rank: number | null;
  field_sources: { name: string | null; rank: string | null };
}

/**
 * Survivorship: each descriptive field comes from the highest-priority source that has it; with
 * none, the asset keeps its own value. Equal priorities keep the mappings' order.
 */
export function surviveFields(
  own: { name: string; rank: number | null },
  sources: readonly SourceFields[],
  priorityOf: (source: string) => number,
): SurvivingFields {
  const byPriority = [...sources].sort((a, b) => priorityOf(b.source) - priorityOf(a.source));
  const nameFrom = byPriority.find((s) => s.name);
  const rankFrom = byPriority.find((s) => s.rank !== null);
  return {
    name: nameFrom?.name ?? own.name,
    rank: rankFrom?.rank ?? own.rank,
    field_sources: { name: nameFrom?.source ?? null, rank: rankFrom?.source ?? null },
  };
}
