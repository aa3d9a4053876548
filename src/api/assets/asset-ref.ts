import { ValidateBy } from 'class-validator';

/** How a consumer names an asset: our UUID, or a source's own id (`coingecko:bitcoin`, `csv:BTC`). */
export type AssetRef = { kind: 'id'; id: string } | { kind: 'source'; source: string; sourceAssetId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `{source}:{source_asset_id}`: a source id (as in ETL_SOURCES), then its own id, which may hold colons. */
const SOURCE_REF = /^([a-z0-9_-]{1,64}):(.{1,200})$/s;

export function parseAssetRef(ref: string): AssetRef | undefined {
  if (UUID.test(ref)) return { kind: 'id', id: ref };
  const m = SOURCE_REF.exec(ref);
  return m ? { kind: 'source', source: m[1], sourceAssetId: m[2] } : undefined;
}

/** Validates the `id` path parameter of the asset read routes (a UUID or `{source}:{source_asset_id}`). */
export const IsAssetRef = (): PropertyDecorator =>
  ValidateBy({
    name: 'isAssetRef',
    validator: {
      validate: (value) => typeof value === 'string' && parseAssetRef(value) !== undefined,
      defaultMessage: () => 'id must be a UUID or {source}:{source_asset_id} (e.g. coingecko:bitcoin)',
    },
  });
