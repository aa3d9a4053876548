import { typeOf } from './payload-paths.js';

const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * A payload value as a finite number, or undefined: JSON numbers (also lossless ones that
 * `typeOf` counts as numbers) and numeric text as CSV files carry it. Precision does not matter
 * here: the value is only compared by ratio.
 */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    if (!NUMERIC_TEXT.test(v)) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  if (v !== null && typeof v === 'object' && typeOf(v) === 'number') {
    // Lossless numbers (e.g. lossless-json's LosslessNumber) print their decimal text.
    const n = Number((v as { toString(): string }).toString());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** One asset's candidate value next to the field's last accepted value for that asset. */
export interface ValuePair {
  asset: string;
  previous: number;
  candidate: number;
}

export interface ValueEvidence {
  /** Whether any pair could be compared; when false the check says nothing. */
  checked: boolean;
  plausible: boolean | null;
  compared: number;
  /** Median of |candidate| / |previous| over the compared assets. */
  median_ratio: number | null;
  min_ratio: number | null;
  max_ratio: number | null;
  factor: number;
  samples: Array<ValuePair & { ratio: number }>;
  reason?: string;
}

const SAMPLES_SHOWN = 5;

/**
 * Plausible when the median ratio of the candidate's values to the field's last accepted values of
 * the same assets lies within [1/factor, factor]. Pairs where either side is 0 cannot form a ratio
 * and are skipped (two zeros count as ratio 1). The median makes one odd asset harmless, while a
 * value in another currency (price in BTC vs USD: ~1e-5) or another scale (cents: 100x) fails.
 */
export function judgeValues(pairs: readonly ValuePair[], factor: number): ValueEvidence {
  const rated = pairs.flatMap((p) => {
    if (p.previous === 0 && p.candidate === 0) return [{ ...p, ratio: 1 }];
    if (p.previous === 0 || p.candidate === 0) return [];
    return [{ ...p, ratio: round6(Math.abs(p.candidate) / Math.abs(p.previous)) }];
  });
  if (rated.length === 0) {
    return {
      checked: false,
      plausible: null,
      compared: 0,
      median_ratio: null,
      min_ratio: null,
      max_ratio: null,
      factor,
      samples: [],
      reason: 'no accepted values of the field for the same assets to compare with',
    };
  }
  const ratios = rated.map((r) => r.ratio).sort((a, b) => a - b);
  const mid = Math.floor(ratios.length / 2);
  const median = round6(ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2);
  const plausible = median >= 1 / factor && median <= factor;
  return {
    checked: true,
    plausible,
    compared: rated.length,
    median_ratio: median,
    min_ratio: ratios[0],
    max_ratio: ratios[ratios.length - 1],
    factor,
    samples: rated.slice(0, SAMPLES_SHOWN),
    ...(plausible ? {} : { reason: `median ratio ${median} outside [${round6(1 / factor)}, ${factor}]` }),
  };
}

function round6(n: number): number {
  return Number(n.toPrecision(6));
}
