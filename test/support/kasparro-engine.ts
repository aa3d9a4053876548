import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConformanceEngine, EngineKill, EngineRunOutcome, EngineSession } from '@kasparro/etl-plugin-sdk/testing';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from './app.js';
import { createTestDatabase, queryRows } from './database.js';

/** Options of {@link kasparroEngine}. */
export interface KasparroEngineOptions {
  /** More env for every boot (the service's own variables). */
  env?: Record<string, string>;
}

/**
 * The service's ETL engine for the SDK's `runEngineConformance`: each session is a fresh migrated
 * PostgreSQL database; each run boots the whole application (AppModule, the plugin's module next to
 * it, only its source enabled), runs the source through the real EtlRunner, and shuts down, like
 * a process started for one run. Kills:
 *
 * - `batch-boundary`: once the k-th batch is committed, the service shuts down (its abort signal
 *   stops the extractor; the batch in flight commits or rolls back), as on SIGTERM;
 * - `mid-batch`: ETL_FAILURE_INJECTION fails the run inside the first batch that takes it past
 *   the records of the clean run's first k batches, after it was extracted and before it commits.
 *
 * The clock is frozen for the runs (every run starts at the same instant), so a run that resumes
 * reads the same "now" as the clean run: a plugin keyed by its run's start (a snapshot API without
 * timestamps, like Kraken's) gets the same natural keys, as it would for a kill and restart within
 * one observation.
 */
export function kasparroEngine(options: KasparroEngineOptions = {}): ConformanceEngine {
  const frozenAt = Math.floor(Date.now() / 60_000) * 60_000;
  return {
    async open({ module, sourceId, env, batchSize }): Promise<EngineSession> {
      const db = await createTestDatabase();
      const bootEnv = (extra: Record<string, string> = {}): Record<string, string | undefined> => ({
        ...options.env,
        ...env,
        DATABASE_URL: db.url,
        ETL_SOURCES: sourceId,
        ETL_BATCH_SIZE: String(batchSize),
        [`${sourceId.toUpperCase().replace(/-/g, '_')}_RATE_LIMIT_PER_MIN`]: '60000',
        HTTP_RETRY_BASE_MS: '10',
        ...extra,
      });
      return {
        run: (kill) => withFrozenClock(frozenAt, () => runOnce({ module, sourceId, env: bootEnv, kill })),
        storedRows: async () => (await queryRows<{ k: string }>(db.url, STORED_ROWS, [sourceId])).map((r) => r.k),
        checkpoints: async () =>
          Object.fromEntries(
            (
              await queryRows<{ stream: string; cursor: unknown }>(
                db.url,
                'SELECT stream, cursor FROM etl_checkpoints WHERE source = $1',
                [sourceId],
              )
            ).map((r) => [r.stream, r.cursor]),
          ),
        close: () => db.drop(),
      };
    },
  };
}

/** What the engine stored for one source, one string per row (surrogate ids, times of writing and run ids left out). */
const STORED_ROWS = `
  SELECT 'raw|' || stream || '|' || natural_key || '|' || payload_hash AS k FROM raw_records WHERE source = $1
  UNION ALL SELECT 'quote|' || source_asset_id || '|' || observed_at::text || '|' || price_usd::text || '|' || content_hash FROM market_quotes WHERE source = $1
  UNION ALL SELECT 'news|' || dedupe_key || '|' || content_hash FROM news_items WHERE source = $1
  UNION ALL SELECT 'quarantine|' || stream || '|' || payload_hash || '|' || reason FROM quarantined_records WHERE source = $1
  ORDER BY 1`;

interface RunOnce {
  module: Type | DynamicModule;
  sourceId: string;
  env: (extra?: Record<string, string>) => Record<string, string | undefined>;
  kill?: EngineKill;
}

async function runOnce({ module, sourceId, env, kill }: RunOnce): Promise<EngineRunOutcome> {
  const injected: Record<string, string> =
    kill?.at === 'mid-batch' ? { ETL_FAILURE_INJECTION: `${sourceId}:after=${kill.recordsBefore}` } : {};
  const app: NestFastifyApplication = await createTestApp(env(injected), [module]);
  const batchRecords: number[] = [];
  let shutdown: Promise<void> | undefined;
  const runner = app.get(EtlRunner);
  const events = runner.events$.subscribe((event) => {
    if (event.type !== 'batch_committed' || event.source !== sourceId) return;
    batchRecords.push(event.counts.extracted);
    if (kill?.at === 'batch-boundary' && batchRecords.length === kill.afterBatches) shutdown = app.close();
  });
  try {
    const summary = await runner.run({ trigger: 'manual', sources: [sourceId] });
    const result = summary.sources[sourceId];
    const killed =
      kill === undefined
        ? false
        : kill.at === 'batch-boundary'
          ? shutdown !== undefined
          : /injected failure/.test(result.error ?? '');
    return { status: result.status, committedBatches: batchRecords.length, batchRecords, killed };
  } finally {
    events.unsubscribe();
    await (shutdown ?? app.close());
  }
}

/** Runs `body` with `Date` (no-argument constructor and `Date.now()`) stuck at `at`. */
async function withFrozenClock<T>(at: number, body: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class FrozenDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(at);
      else super(...(args as [string]));
    }

    static override now(): number {
      return at;
    }
  }
  globalThis.Date = FrozenDate as DateConstructor;
  try {
    return await body();
  } finally {
    globalThis.Date = RealDate;
  }
}
