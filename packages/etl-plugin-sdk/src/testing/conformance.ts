import type { DynamicModule, Type } from '@nestjs/common';
import type { ExtractedBatch, Extractor, RawRecord } from '../extractor.interface.js';
import { stringifyJson } from '../json-number.js';
import { ConformanceHttpClient, OutboundGuard } from './conformance-http.js';
import type { RouteFixtures, StartedFixtures } from './fixtures.js';
import { moduleNameOf, startKitFixtures, testGlobals } from './kit-plumbing.js';
import { bootPlugin, runExtract, type BootedPlugin, type RunResult } from './plugin-harness.js';

export type { RouteFixtures, StartedFixtures };

/** Options of {@link runExtractorConformance}. */
export interface ConformanceOptions {
  /** The plugin's Nest module (a package's default export). */
  module: Type | DynamicModule;
  /** What the plugin reads during the checks. */
  fixtures: RouteFixtures | StartedFixtures;
  /** Records per batch asked of the extractor; small, so several batches are read (default 2). */
  batchSize?: number;
  /** The fixtures hold rows the plugin must reject (mapper or batch rejects): check that some are (default false). */
  expectRejects?: boolean;
  /** Most resume points tried by the kill-and-resume check, spread over the run (default 6). */
  maxResumePoints?: number;
  /** Title of the generated `describe` block (default `conformance: <module name>`). */
  title?: string;
}

const RUN_STARTED_AT = new Date('2030-01-01T00:00:00.000Z');

/**
 * Declares the conformance checks of one plugin in the calling test file (Jest globals). Each
 * check states one rule the engine relies on, run against the plugin's real module booted with
 * Nest, its real extractor reading the fixtures over loopback HTTP (or files), the engine's commit
 * order simulated (each batch's cursor committed after it):
 *
 * - the module provides exactly one `@SourcePlugin` extractor, id equal to `sourceId`, with streams;
 * - batches respect `batchSize` and name a declared stream; natural keys are unique in a run and
 *   stable across runs;
 * - the mapper is pure and deterministic (same output twice, payload untouched) and maps or
 *   rejects with a reason every record; rejects carry a reason (the engine quarantines them);
 * - the cursor never moves back (its `watermark` never behind the one resumed from, never past
 *   the run start) and survives JSON;
 * - abort stops the extractor promptly;
 * - a run killed after any batch, resumed from its committed cursors, ends with the same rows as
 *   a clean run;
 * - every outbound call goes through `context.http` (global fetch and node's http(s) are guarded).
 *
 * @example
 * ```ts
 * runExtractorConformance({
 *   module: AcmeSourceModule,
 *   fixtures: { routes: acmeFixtureRoutes(), env: (url) => ({ ACME_BASE_URL: url }) },
 * });
 * ```
 */
export function runExtractorConformance(options: ConformanceOptions): void {
  const { describe, it, beforeAll, afterAll } = testGlobals('runExtractorConformance');
  const batchSize = options.batchSize ?? 2;
  const moduleName = moduleNameOf(options.module);
  let booted: BootedPlugin;
  let close: (() => Promise<void>) | undefined;
  let clean: RunResult;
  const guard = new OutboundGuard();
  const http = new ConformanceHttpClient();
  const run = (extra: Partial<Parameters<typeof runExtract>[0]> = {}) =>
    runExtract({ extractor: booted.extractor, batchSize, runStartedAt: RUN_STARTED_AT, http, guard, ...extra });

  describe(options.title ?? `conformance: ${moduleName}`, () => {
    beforeAll(async () => {
      const started = await startKitFixtures(options.fixtures);
      close = started.close;
      booted = await bootPlugin(options.module, started.env);
      clean = await run();
    }, 60_000);

    afterAll(async () => {
      await booted?.context.close();
      await close?.();
    });

    it('provides exactly one @SourcePlugin extractor, its id equal to sourceId, with named streams', () => {
      const { extractor } = booted;
      check(booted.discovered === 1, `the module must provide one @SourcePlugin extractor, found ${booted.discovered}`);
      check(
        typeof extractor.sourceId === 'string' && /^[a-z0-9_-]+$/.test(extractor.sourceId),
        `sourceId "${extractor.sourceId}" must be lower-case [a-z0-9_-]`,
      );
      check(
        Array.isArray(extractor.streams) && extractor.streams.length > 0,
        'the extractor must declare at least one stream',
      );
      const names = extractor.streams.map((s) => s.name);
      check(new Set(names).size === names.length, `stream names must be unique: ${names.join(', ')}`);
    });

    it(`yields batches of at most batchSize (${batchSize}) records of declared streams, and reads something`, () => {
      const streams = new Set(booted.extractor.streams.map((s) => s.name));
      check(
        clean.batches.length > 0 && recordsOf(clean.batches).length > 0,
        'a run over the fixtures must yield records',
      );
      for (const [i, batch] of clean.batches.entries()) {
        check(streams.has(batch.stream), `batch ${i}: stream "${batch.stream}" is not declared`);
        check(
          batch.records.length <= batchSize,
          `batch ${i} has ${batch.records.length} records, more than batchSize ${batchSize}`,
        );
      }
    });

    it('gives every record a natural key unique within the run and stable across runs', async () => {
      const keys = recordsOf(clean.batches).map(keyOf);
      const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
      check(
        keys.every((k) => k.split('\u0000')[1] !== ''),
        'every record needs a non-empty naturalKey',
      );
      check(duplicates.length === 0, `natural keys repeat within one run: ${duplicates.slice(0, 5).join(', ')}`);
      const again = recordsOf((await run()).batches).map(keyOf);
      check(
        same([...again].sort(), [...keys].sort()),
        'a second run over the same fixtures must give the same natural keys',
      );
    });

    it('maps purely and deterministically: same result twice, payload untouched, a reason for each reject', () => {
      let mappedCount = 0;
      let rejectedCount = 0;
      guard.up();
      try {
        for (const [record, stream] of recordsWithStream(clean.batches)) {
          const before = stringifyJson(record.payload);
          const first = booted.extractor.map(record, stream);
          const second = booted.extractor.map(record, stream);
          check(stringifyJson(record.payload) === before, `map() changed the payload of ${record.naturalKey}`);
          check(serialise(first) === serialise(second), `map() gave two different results for ${record.naturalKey}`);
          if (first.ok) {
            mappedCount += 1;
            const kind = booted.extractor.streams.find((s) => s.name === stream)!.kind;
            check(
              (kind === 'news') === (first.record.kind === 'news'),
              `${record.naturalKey}: a ${kind} stream mapped a ${first.record.kind}`,
            );
          } else {
            rejectedCount += 1;
            check(
              typeof first.reason === 'string' && first.reason.trim() !== '',
              `${record.naturalKey}: a reject needs a reason`,
            );
          }
        }
      } finally {
        guard.down();
      }
      const batchRejects = clean.batches.flatMap((b) => b.rejects ?? []);
      for (const reject of batchRejects) {
        check(typeof reject.reason === 'string' && reject.reason.trim() !== '', 'a batch reject needs a reason');
      }
      check(mappedCount > 0, 'no record of the fixtures maps to a canonical record');
      if (options.expectRejects) {
        check(rejectedCount + batchRejects.length > 0, 'the fixtures hold bad rows, but nothing was rejected');
      }
    });

    it('never moves a cursor back, and never past the run start', async () => {
      const resumed = await run({ cursors: clean.cursors });
      for (const result of [clean, resumed]) {
        const last = new Map<string, number>();
        for (const [stream, cursor] of clean.cursors) {
          const mark = watermarkOf(cursor);
          if (result === resumed && mark !== undefined) last.set(stream, mark);
        }
        for (const batch of result.batches) {
          check(
            same(JSON.parse(JSON.stringify(batch.cursor)), JSON.parse(stringifyJson(batch.cursor))),
            `${batch.stream}: the cursor must be plain JSON`,
          );
          const mark = watermarkOf(batch.cursor);
          if (mark === undefined) continue;
          check(
            mark <= RUN_STARTED_AT.getTime(),
            `${batch.stream}: watermark ${new Date(mark).toISOString()} is past the run start`,
          );
          const previous = last.get(batch.stream);
          check(
            previous === undefined || mark >= previous,
            `${batch.stream}: watermark moved back to ${new Date(mark).toISOString()}`,
          );
          last.set(batch.stream, mark);
        }
      }
    });

    it('stops promptly when the signal aborts', async () => {
      const controller = new AbortController();
      const started = Date.now();
      const batches = booted.extractor.extract({
        cursor: () => undefined,
        signal: controller.signal,
        http,
        logger: { log: () => undefined, error: () => undefined, warn: () => undefined },
        runStartedAt: RUN_STARTED_AT,
        batchSize: 1,
        lookbackSeconds: 0,
      });
      const iterator = batches[Symbol.asyncIterator]();
      let after = 0;
      try {
        const first = await iterator.next();
        controller.abort();
        if (!first.done) {
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            after += 1;
            check(after <= 1, 'the extractor kept yielding batches after the signal aborted');
          }
        }
      } catch {
        // Throwing (an AbortError) is a prompt stop too.
      }
      check(Date.now() - started < 10_000, 'the extractor took more than 10 s to stop after abort');
    });

    it('resumes a run killed after any batch to the same rows as a clean run', async () => {
      const expected = rowsOf(clean.batches, booted.extractor);
      const total = clean.batches.length;
      const points = resumePoints(total, options.maxResumePoints ?? 6);
      for (const k of points) {
        const killed = await run({ stopAfter: k });
        const resumed = await run({ cursors: killed.cursors });
        const rows = rowsOf([...killed.batches, ...resumed.batches], booted.extractor);
        const missing = [...expected.keys()].filter((key) => !rows.has(key));
        const extra = [...rows.keys()].filter((key) => !expected.has(key));
        check(
          missing.length === 0,
          `killed after batch ${k}/${total}: the resumed run lost ${missing.length} rows (${missing.slice(0, 3).join(', ')})`,
        );
        check(
          extra.length === 0,
          `killed after batch ${k}/${total}: the resumed run has ${extra.length} rows a clean run has not (${extra.slice(0, 3).join(', ')})`,
        );
        for (const [key, value] of expected) {
          check(rows.get(key) === value, `killed after batch ${k}/${total}: row ${key} differs from the clean run`);
        }
      }
    });

    it('makes every outbound call through context.http', () => {
      check(
        guard.violations.length === 0,
        `outbound calls outside context.http: ${guard.violations.slice(0, 3).join('; ')}`,
      );
    });
  });
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`conformance: ${message}`);
}

function recordsOf(batches: readonly ExtractedBatch[]): Array<RawRecord & { stream: string }> {
  return batches.flatMap((b) => b.records.map((r) => ({ ...r, stream: b.stream })));
}

function recordsWithStream(batches: readonly ExtractedBatch[]): Array<[RawRecord, string]> {
  return batches.flatMap((b) => b.records.map((r): [RawRecord, string] => [r, b.stream]));
}

function keyOf(r: RawRecord & { stream: string }): string {
  return `${r.stream}\u0000${r.naturalKey}`;
}

/** The rows a run leaves (what the loaders would store): by stream and natural key, the last mapping wins. */
function rowsOf(batches: readonly ExtractedBatch[], extractor: Extractor): Map<string, string> {
  const rows = new Map<string, string>();
  for (const [record, stream] of recordsWithStream(batches)) {
    rows.set(`${stream}|${record.naturalKey}`, serialise(extractor.map(record, stream)));
  }
  for (const batch of batches) {
    for (const reject of batch.rejects ?? []) {
      rows.set(`${batch.stream}|reject|${reject.naturalKey ?? reject.reason}`, reject.reason);
    }
  }
  return rows;
}

function resumePoints(total: number, max: number): number[] {
  if (total <= 1) return [];
  const all = Array.from({ length: total - 1 }, (_, i) => i + 1);
  if (all.length <= max) return all;
  const step = all.length / max;
  return [...new Set(Array.from({ length: max }, (_, i) => all[Math.floor(i * step)]))];
}

function watermarkOf(cursor: unknown): number | undefined {
  const raw = (cursor as { watermark?: unknown } | undefined)?.watermark;
  if (typeof raw !== 'string') return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : at;
}

function serialise(value: unknown): string {
  return stringifyJson(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
