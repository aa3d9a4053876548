import type { DynamicModule, Type } from '@nestjs/common';
import type { Environment } from '../source-config.js';
import type { RouteFixtures, StartedFixtures } from './conformance.js';
import { moduleNameOf, startKitFixtures, testGlobals } from './kit-plumbing.js';
import { bootPlugin } from './plugin-harness.js';

/** Where a killed run stops: right after a committed batch, or inside the next one, before it commits. */
export type EngineKillPoint = 'batch-boundary' | 'mid-batch';

/** How {@link EngineSession.run} kills its run: after `afterBatches` committed batches, at `at`. */
export interface EngineKill {
  afterBatches: number;
  at: EngineKillPoint;
  /** Records those first `afterBatches` batches hold (in a clean run): a mid-batch kill strikes in the batch that goes past them. */
  recordsBefore: number;
}

/** How one engine run ended. */
export interface EngineRunOutcome {
  /** The engine's status of the source's run (`succeeded`, `failed`, ...). */
  status: string;
  /** Batches the run committed (rows and cursor together). */
  committedBatches: number;
  /** Records each committed batch held, in order. */
  batchRecords: number[];
  /** Whether the requested kill happened (false when the run ended before reaching it). */
  killed: boolean;
}

/** One empty store with the plugin enabled in it: runs of its source, and what they stored. */
export interface EngineSession {
  /** Runs the plugin's source once, to its end or to `kill` (the next run resumes from what it committed). */
  run(kill?: EngineKill): Promise<EngineRunOutcome>;
  /** Every row the runs stored for the source (records, quotes or news, quarantine), one string per row: duplicates repeat. */
  storedRows(): Promise<string[]>;
  /** The source's committed cursor of each stream. */
  checkpoints(): Promise<Record<string, unknown>>;
  /** Drops the store. */
  close(): Promise<void>;
}

/** A real ETL engine the kit drives: the host service provides it (the Kasparro service: `kasparroEngine()`, see docs/PLUGINS.md). */
export interface ConformanceEngine {
  /** A fresh session: an empty store, the plugin's module loaded with `env`, only `sourceId` enabled, `batchSize` records a batch. */
  open(options: {
    module: Type | DynamicModule;
    sourceId: string;
    env: Environment;
    batchSize: number;
  }): Promise<EngineSession>;
}

/** Options of {@link runEngineConformance}. */
export interface EngineConformanceOptions {
  /** The plugin's Nest module (a package's default export). */
  module: Type | DynamicModule;
  /** What the plugin reads (the same fixtures as for `runExtractorConformance`). */
  fixtures: RouteFixtures | StartedFixtures;
  /** The real engine to run the plugin in. */
  engine: ConformanceEngine;
  /** Records per batch (default 2): small, so a run has several batches to be killed between. */
  batchSize?: number;
  /** Most kill points tried per kind of kill, spread over the run (default 2). */
  maxKillPoints?: number;
  /** Title of the generated `describe` block (default `engine conformance: <module name>`). */
  title?: string;
}

/**
 * Declares, in the calling test file, the kill-and-resume checks of one plugin run by a REAL engine
 * and its store (for the Kasparro service: its ETL runner and PostgreSQL): a clean run is the
 * reference; then, for runs killed after batch k (at the batch boundary, and inside batch k+1
 * before it commits), each killed run must have committed a checkpoint, and the run that resumes
 * from it must leave exactly the clean run's stored rows (no duplicate, no gap) and its checkpoints.
 *
 * The in-memory kit (`runExtractorConformance`) checks the plugin's side of the rules; this one
 * checks that they hold once the engine commits, aborts and resumes for real.
 *
 * @example
 * ```ts
 * runEngineConformance({
 *   module: AcmeSourceModule,
 *   fixtures: { routes: acmeFixtureRoutes(), env: (url) => ({ ACME_BASE_URL: url }) },
 *   engine: kasparroEngine(),
 * });
 * ```
 */
export function runEngineConformance(options: EngineConformanceOptions): void {
  const { describe, it, beforeAll, afterAll } = testGlobals('runEngineConformance');
  const batchSize = options.batchSize ?? 2;
  const moduleName = moduleNameOf(options.module);
  let env: Environment;
  let sourceId: string;
  let close: (() => Promise<void>) | undefined;
  let clean: { outcome: EngineRunOutcome; rows: string[]; checkpoints: Record<string, unknown> };
  const open = () => options.engine.open({ module: options.module, sourceId, env, batchSize });

  describe(options.title ?? `engine conformance: ${moduleName}`, () => {
    beforeAll(async () => {
      ({ env, close } = await startKitFixtures(options.fixtures));
      const booted = await bootPlugin(options.module, env);
      sourceId = booted.extractor.sourceId;
      await booted.context.close();
      const session = await open();
      try {
        const outcome = await session.run();
        clean = { outcome, rows: await session.storedRows(), checkpoints: await session.checkpoints() };
      } finally {
        await session.close();
      }
    }, 120_000);

    afterAll(async () => {
      await close?.();
    });

    it('runs to success in the engine, over several batches, storing rows', () => {
      check(clean.outcome.status === 'succeeded', `a clean run ended ${clean.outcome.status}`);
      check(
        clean.outcome.committedBatches >= 2,
        `a clean run committed ${clean.outcome.committedBatches} batch(es): the fixtures need more than batchSize ${batchSize} records`,
      );
      check(clean.rows.length > 0, 'a clean run stored no rows');
      const repeated = clean.rows.filter((row, i) => clean.rows.indexOf(row) !== i);
      check(repeated.length === 0, `a clean run stored rows twice: ${repeated.slice(0, 3).join('; ')}`);
    });

    for (const at of ['batch-boundary', 'mid-batch'] as const) {
      it(`resumes a run killed ${at === 'mid-batch' ? 'inside a batch' : 'at a batch boundary'} to the clean run's rows: no duplicate, no gap, its checkpoint advanced`, async () => {
        // Mid-batch kills need a batch with records to strike in (a last, empty batch only closes a snapshot).
        const records = clean.outcome.batchRecords;
        const candidates = Array.from({ length: Math.max(0, records.length - 1) }, (_, i) => i + 1).filter(
          (k) => at === 'batch-boundary' || records[k] > 0,
        );
        const points = spread(candidates, options.maxKillPoints ?? 2);
        check(points.length > 0, 'the clean run has too few batches to be killed in between');
        for (const afterBatches of points) {
          const where = `killed ${at} after batch ${afterBatches}/${clean.outcome.committedBatches}`;
          const session = await open();
          try {
            const recordsBefore = records.slice(0, afterBatches).reduce((a, b) => a + b, 0);
            const killed = await session.run({ afterBatches, at, recordsBefore });
            check(killed.killed, `${where}: the kill did not happen (the run ended ${killed.status} first)`);
            // A batch already in flight may still commit after the kill; success with a batch missing may not be claimed.
            check(
              killed.status !== 'succeeded' || killed.committedBatches >= clean.outcome.committedBatches,
              `${where}: the killed run reports succeeded after ${killed.committedBatches} of ${clean.outcome.committedBatches} batches`,
            );
            check(killed.committedBatches >= 1, `${where}: the killed run committed no batch`);
            const committed = await session.checkpoints();
            check(Object.keys(committed).length > 0, `${where}: no checkpoint was committed with its batches`);
            const resumed = await session.run();
            check(resumed.status === 'succeeded', `${where}: the resumed run ended ${resumed.status}`);
            const rows = await session.storedRows();
            const expected = counts(clean.rows);
            const actual = counts(rows);
            const missing = [...expected.keys()].filter((row) => !actual.has(row));
            const extra = [...actual.keys()].filter((row) => !expected.has(row));
            const twice = [...actual]
              .filter(([row, n]) => n > (expected.get(row) ?? 0) && expected.has(row))
              .map(([row]) => row);
            check(
              missing.length === 0,
              `${where}: ${missing.length} rows of the clean run are missing (${missing.slice(0, 3).join('; ')})`,
            );
            check(
              twice.length === 0,
              `${where}: ${twice.length} rows are stored twice (${twice.slice(0, 3).join('; ')})`,
            );
            check(
              extra.length === 0,
              `${where}: ${extra.length} rows a clean run does not store (${extra.slice(0, 3).join('; ')})`,
            );
            const final = await session.checkpoints();
            check(
              JSON.stringify(sorted(final)) === JSON.stringify(sorted(clean.checkpoints)),
              `${where}: the resumed run's checkpoints ${JSON.stringify(final)} differ from a clean run's ${JSON.stringify(clean.checkpoints)}`,
            );
          } finally {
            await session.close();
          }
        }
      }, 300_000);
    }
  });
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`engine conformance: ${message}`);
}

function counts(rows: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const row of rows) map.set(row, (map.get(row) ?? 0) + 1);
  return map;
}

function sorted(value: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Up to `max` of `all`, spread over it (first and last included). */
function spread(all: readonly number[], max: number): number[] {
  if (all.length <= max) return [...all];
  if (max <= 1) return [all[0]];
  return [...new Set(Array.from({ length: max }, (_, i) => all[Math.round((i * (all.length - 1)) / (max - 1))]))];
}
