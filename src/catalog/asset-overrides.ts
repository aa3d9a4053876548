import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';

export interface AssetOverride {
  source: string;
  sourceAssetId: string;
  assetKey: string;
  note: string;
}

/**
 * Reads the reviewed manual overrides (`source,source_asset_id,asset_key,note`). A malformed file
 * fails boot with the line at fault; a missing file means no overrides.
 */
export function loadAssetOverrides(file: string): Map<string, AssetOverride> {
  const out = new Map<string, AssetOverride>();
  if (!existsSync(file)) return out;
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(readFileSync(file, 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      comment: '#',
    }) as Array<Record<string, string>>;
  } catch (err) {
    throw new Error(`${file} is not valid CSV: ${(err as Error).message}`, { cause: err });
  }
  rows.forEach((row, i) => {
    const line = i + 2;
    const { source, source_asset_id: sourceAssetId, asset_key: assetKey } = row;
    if (!source || !sourceAssetId || !assetKey) {
      throw new Error(`${file} line ${line}: source, source_asset_id and asset_key are required`);
    }
    if (!/^[a-z0-9]+:[^\s]+$/.test(assetKey)) {
      throw new Error(
        `${file} line ${line}: asset_key "${assetKey}" must look like "<symbol>:<name-slug>" (e.g. btc:bitcoin)`,
      );
    }
    const key = `${source}\u0000${sourceAssetId}`;
    if (out.has(key)) throw new Error(`${file} line ${line}: duplicate override for ${source}/${sourceAssetId}`);
    out.set(key, { source, sourceAssetId, assetKey, note: row.note ?? '' });
  });
  return out;
}
