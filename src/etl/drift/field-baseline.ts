import type { FieldSpec, RawRecord, StreamDefinition } from '../extractor/extractor.interface.js';
import { getPath } from './payload-paths.js';
import { numericValue } from './value-plausibility.js';

/** One accepted value of a field for one asset (a row of drift_field_baselines). */
export interface BaselineRow {
  field: string;
  assetKey: string;
  value: number;
}

/**
 * What one source run of one stream knows for the rename rule: the renames an admin rejected and
 * the last accepted values per (field, asset), each loaded from the database on first need (a run
 * without drift loads nothing), plus the values accepted by this run's own batches. Replaced when
 * the next run of the stream starts.
 */
export class StreamRunMemory {
  rejected: ReadonlySet<string> | undefined;
  /** field -> asset -> value, from earlier runs (loaded per field). */
  private readonly stored = new Map<string, Map<string, number>>();
  /** field -> asset -> value, accepted in this run. */
  private readonly accepted = new Map<string, Map<string, number>>();
  /** Assets whose values this run records (at most `maxAssets`). */
  private readonly assets = new Set<string>();

  constructor(
    readonly runId: string,
    private readonly maxAssets: number,
  ) {}

  missingFields(fields: readonly string[]): string[] {
    return fields.filter((f) => !this.stored.has(f));
  }

  setStored(field: string, values: Map<string, number>): void {
    this.stored.set(field, values);
  }

  previousValue(field: string, asset: string): number | undefined {
    return this.accepted.get(field)?.get(asset) ?? this.stored.get(field)?.get(asset);
  }

  /**
   * Claims an asset for recording: true the first time it is seen in this run, while fewer than
   * `maxAssets` are claimed. One record per asset per run keeps the store's writes bounded.
   */
  claim(asset: string): boolean {
    if (this.assets.has(asset) || this.assets.size >= this.maxAssets) return false;
    this.assets.add(asset);
    return true;
  }

  remember(row: BaselineRow): void {
    const byAsset = this.accepted.get(row.field) ?? new Map<string, number>();
    byAsset.set(row.assetKey, row.value);
    this.accepted.set(row.field, byAsset);
  }
}

/**
 * Collects, for one batch, the accepted values the store keeps: every numeric value (number or
 * numeric text) of the schema's scalar fields, from the first accepted record of each asset in the
 * run. The batch processor calls `observe` for every mapped record; the rows are written in the
 * batch's transaction.
 */
export class BaselineCollector {
  private readonly rows: BaselineRow[] = [];
  private readonly fields: readonly FieldSpec[];

  constructor(
    stream: StreamDefinition,
    private readonly memory: StreamRunMemory | undefined,
  ) {
    this.fields = (stream.expectedSchema ?? []).filter((f) => f.type !== 'object' && f.type !== 'array');
  }

  observe(record: RawRecord, assetKey: string): void {
    if (!this.memory || this.fields.length === 0 || !this.memory.claim(assetKey)) return;
    for (const f of this.fields) {
      const value = numericValue(getPath(record.payload, f.path));
      if (value === undefined) continue;
      const row = { field: f.path, assetKey, value };
      this.rows.push(row);
      this.memory.remember(row);
    }
  }

  take(): BaselineRow[] {
    return this.rows.splice(0, this.rows.length);
  }
}
