import { ANOMALY_RULES, type AnomalyRule } from '../../platform/metrics/anomaly-rule-names.js';

/**
 * Rules that flag a source run as unusual against its own recent history. Pure functions: the
 * history is the same source's previous finished runs, newest first.
 */
export interface RunSample {
  status: string;
  extracted: number;
  durationMs: number | null;
}

export { ANOMALY_RULES, type AnomalyRule };

export interface Anomaly {
  rule: AnomalyRule;
  source: string | null;
  message: string;
  details?: Record<string, unknown>;
}

export const Z_THRESHOLD = 3;
export const MIN_HISTORY = 5;
export const DURATION_FACTOR = 3;

export function recordCountOutlier(source: string, run: RunSample, history: RunSample[]): Anomaly | undefined {
  const points = history.filter((h) => h.status === 'succeeded').map((h) => h.extracted);
  if (run.status !== 'succeeded' || points.length < MIN_HISTORY) return undefined;
  const mean = points.reduce((a, b) => a + b, 0) / points.length;
  const std = Math.sqrt(points.reduce((a, b) => a + (b - mean) ** 2, 0) / points.length);
  if (std === 0) {
    return run.extracted !== mean
      ? {
          rule: 'record_count_outlier',
          source,
          message: `${source} extracted ${run.extracted} records; the last ${points.length} runs all extracted ${mean}`,
          details: { mean, std, z: null },
        }
      : undefined;
  }
  const z = (run.extracted - mean) / std;
  return Math.abs(z) > Z_THRESHOLD
    ? {
        rule: 'record_count_outlier',
        source,
        message: `${source} extracted ${run.extracted} records (z-score ${z.toFixed(1)} over the last ${points.length} runs, mean ${mean.toFixed(0)})`,
        details: { mean, std, z: Number(z.toFixed(2)) },
      }
    : undefined;
}

export function durationOutlier(source: string, run: RunSample, history: RunSample[]): Anomaly | undefined {
  const durations = history
    .map((h) => h.durationMs)
    .filter((d): d is number => d !== null && d > 0)
    .sort((a, b) => a - b);
  if (run.durationMs === null || durations.length < 3) return undefined;
  const median = durations[Math.floor(durations.length / 2)];
  return run.durationMs > DURATION_FACTOR * median && run.durationMs - median > 1000
    ? {
        rule: 'duration_outlier',
        source,
        message: `${source} took ${run.durationMs} ms, over ${DURATION_FACTOR}x the recent median (${median} ms)`,
        details: { median },
      }
    : undefined;
}

export function successThenFailure(source: string, run: RunSample, history: RunSample[]): Anomaly | undefined {
  const previous = history.find((h) => h.status !== 'skipped');
  return previous?.status === 'succeeded' && ['failed', 'rate_limited', 'abandoned'].includes(run.status)
    ? { rule: 'success_then_failure', source, message: `${source} ${run.status} after a successful run` }
    : undefined;
}

export function successWithZeroRows(source: string, run: RunSample): Anomaly | undefined {
  return run.status === 'succeeded' && run.extracted === 0
    ? { rule: 'success_with_zero_rows', source, message: `${source} succeeded but extracted no records` }
    : undefined;
}

/** One source's freshness: its last success, the time to judge it at, and how old it may be. */
export interface FreshnessCheck {
  source: string;
  lastSuccessAt: Date | null;
  now: Date;
  budgetSeconds: number;
}

export function staleSource({ source, lastSuccessAt, now, budgetSeconds }: FreshnessCheck): Anomaly | undefined {
  if (lastSuccessAt === null) return { rule: 'stale_source', source, message: `${source} has never succeeded` };
  const ageSeconds = (now.getTime() - lastSuccessAt.getTime()) / 1000;
  return ageSeconds > budgetSeconds
    ? {
        rule: 'stale_source',
        source,
        message: `${source} has not succeeded for ${Math.round(ageSeconds / 60)} min (budget ${Math.round(budgetSeconds / 60)} min)`,
        details: { lastSuccessAt: lastSuccessAt.toISOString() },
      }
    : undefined;
}

/** Every per-source rule for one source run. */
export function evaluateSourceRun(source: string, run: RunSample, history: RunSample[]): Anomaly[] {
  return [
    recordCountOutlier(source, run, history),
    durationOutlier(source, run, history),
    successThenFailure(source, run, history),
    successWithZeroRows(source, run),
  ].filter((a): a is Anomaly => a !== undefined);
}
