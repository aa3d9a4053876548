import type { StreamCursor } from './extractor.interface.js';

/** What an incremental stream's checkpoint records. */
export interface WatermarkCursor extends StreamCursor {
  /** The newest record timestamp committed so far (ISO-8601); the engine checks it never moves back. */
  watermark: string;
}

/** Inputs of {@link IncrementalWatermark}: the stream's last cursor and the run's limits. */
export interface IncrementalWatermarkOptions {
  /** `context.cursor(stream)`: the last committed cursor, undefined on the first run. */
  previous: StreamCursor | undefined;
  /** `context.lookbackSeconds`: how far behind the watermark each run re-reads. */
  lookbackSeconds: number;
  /** `context.runStartedAt`: the watermark never moves past it. */
  runStartedAt: Date;
}

/**
 * The reading rule for an upstream that filters server-side by time (`?since=`), replacing the
 * old "skip what is older than the watermark" filter, which loses records: a record the upstream
 * publishes late with an older timestamp, several records sharing the watermark's instant across
 * two runs, and everything after a clock step back were silently skipped.
 *
 * This helper never skips a record on the client side. It asks the upstream for everything from
 * `watermark - lookbackSeconds` ({@link since}), so late records inside the lookback window are read
 * again; re-reading is idempotent because natural keys are stable and the loaders skip a row whose
 * content is already stored. The cursor ({@link cursor}) only moves forward, never past the run's
 * start. For snapshot APIs (the whole state on every call) use `SnapshotReader` instead.
 *
 * @example
 * ```ts
 * const mark = new IncrementalWatermark({ previous: ctx.cursor('events'), lookbackSeconds: ctx.lookbackSeconds, runStartedAt: ctx.runStartedAt });
 * const rows = await ctx.http.getJson<Row[]>(url, { query: { since: mark.since() } });
 * for (const row of rows) mark.observe(row.updated_at);
 * yield { stream: 'events', records, cursor: mark.cursor() };
 * ```
 */
export class IncrementalWatermark {
  private readonly previous: number | undefined;
  private newest: number | undefined;

  constructor(private readonly options: IncrementalWatermarkOptions) {
    const raw = options.previous?.watermark;
    const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    this.previous = Number.isNaN(at) ? undefined : at;
  }

  /** Where to ask the upstream to start (ISO-8601), or undefined on the first run: read everything. */
  since(): string | undefined {
    if (this.previous === undefined) return undefined;
    return new Date(this.previous - Math.max(0, this.options.lookbackSeconds) * 1000).toISOString();
  }

  /** Records one read record's timestamp; an unparsable one is ignored (it cannot move the mark). */
  observe(at: Date | string): void {
    const ms = at instanceof Date ? at.getTime() : Date.parse(at);
    if (Number.isNaN(ms)) return;
    if (this.newest === undefined || ms > this.newest) this.newest = ms;
  }

  /**
   * The cursor after the records observed so far: never behind the previous one, never past the run
   * start. Without a previous mark or any observed record it carries no watermark yet.
   */
  cursor(): WatermarkCursor | StreamCursor {
    const cap = this.options.runStartedAt.getTime();
    const candidates = [this.previous, this.newest === undefined ? undefined : Math.min(this.newest, cap)].filter(
      (v): v is number => v !== undefined,
    );
    if (candidates.length === 0) return {};
    return { watermark: new Date(Math.max(...candidates)).toISOString() };
  }
}
