import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Subject } from 'rxjs';
import type { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-errors.js';
import { maskUrl } from '../common/logging/logger.options.js';
import { SecretMasker } from '../common/secrets/secret-masker.js';
import { AppConfig } from '../config/app-config.js';
import { NewsLinker } from '../catalog/news-linker.service.js';
import { ResolvedAssetCache } from '../catalog/resolved-asset-cache.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AnomalyService } from '../runs/anomaly.service.js';
import { BatchProcessor, CopyFirstPolicies } from './batch-processor.service.js';
import { CheckpointService } from './checkpoint/checkpoint.service.js';
import { SourceLeaseLostError } from './checkpoint/source-lease-lost.error.js';
import { SourcesBusyError, UnknownSourceError } from './errors.js';
import type { EtlEvent } from './etl-events.js';
import type { StreamCursor } from './extractor/extractor.interface.js';
import { SourceRegistry } from './extractor/source-registry.service.js';
import { FailureInjector, parseFailureInjection } from './failure-injection.js';
import { RunLedgerRepository, type BatchCounts, type RunStatus, type RunTrigger } from './ledger/run-ledger.repository.js';
import { RunCancelledError } from './operations/operation-errors.js';
import { RunCancellationRepository } from './operations/run-cancellation.repository.js';
import { readAhead } from './read-ahead.js';
import { RetryService } from './retry/retry.service.js';
import type { Waits } from './retry/waits.js';
import { SourceLock } from './source-lock.js';

export interface RunRequest {
  trigger: RunTrigger;
  /** Source ids to run; default: every enabled source. */
  sources?: string[];
}

export interface RunHandle {
  runId: string;
  sources: string[];
  /** Settles when every source of the run has finished (never rejects). */
  done: Promise<RunSummary>;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  sources: Record<string, { status: RunStatus; totals: BatchCounts; error: string | null }>;
}

const NO_WAITS: Waits = { rateLimitWaitMs: 0, backoffWaitMs: 0, retryAfterWaitMs: 0 };
const ZERO: BatchCounts = { extracted: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, quarantined: 0 };

/**
 * Runs sources: on schedule, at start-up, on demand (API, CLI). Sources of a run execute
 * independently and in parallel: one failing never stops or rolls back another. Each source runs
 * under its advisory lock, batch by batch through the BatchProcessor, recording everything in the
 * run ledger. On shutdown the current batch commits or rolls back, then runs end as failed.
 */
@Injectable()
export class EtlRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EtlRunner.name);
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly events$ = new Subject<EtlEvent>();
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Sources with a run in progress in this process (a count: a skipped duplicate must not clear it). */
  private readonly runningHere = new Map<string, number>();
  private readonly injector: FailureInjector;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly registry: SourceRegistry,
    private readonly checkpoints: CheckpointService,
    private readonly retry: RetryService,
    private readonly batches: BatchProcessor,
    private readonly ledger: RunLedgerRepository,
    private readonly metrics: MetricsService,
    private readonly newsLinker: NewsLinker,
    private readonly anomalies: AnomalyService,
    private readonly masker: SecretMasker,
    private readonly cancellations: RunCancellationRepository,
  ) {
    this.injector = new FailureInjector(parseFailureInjection(config.etl.failureInjection));
  }

  /** Runs left `running` by a dead process are marked abandoned at start. */
  async onApplicationBootstrap(): Promise<void> {
    await this.recoverAbandonedRuns();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort(new Error('service shutting down'));
    await Promise.allSettled([...this.inFlight]);
  }

  /** Starts a run and returns at once with its id; `done` settles when it ends. */
  async start(request: RunRequest): Promise<RunHandle> {
    const sources = this.validateSources(request.sources);
    const busy = sources.filter((s) => this.isRunning(s));
    if (request.trigger === 'manual' && busy.length > 0) throw new SourcesBusyError(busy);
    // Reserved synchronously, before any await: of two triggers arriving together, the second one
    // sees the first one's reservation (another process is kept out by the source's advisory lock).
    for (const s of sources) this.runningHere.set(s, (this.runningHere.get(s) ?? 0) + 1);
    let runId: string;
    try {
      const elsewhere = request.trigger === 'manual' ? await this.runningElsewhere(sources) : [];
      if (elsewhere.length > 0) throw new SourcesBusyError(elsewhere);
      runId = await this.ledger.createRun(request.trigger, sources, this.instanceId);
    } catch (err) {
      for (const s of sources) this.release(s);
      throw err;
    }
    this.events$.next({ type: 'run_started', runId, trigger: request.trigger, sources });
    this.logger.log({ runId, trigger: request.trigger, sources }, 'ETL run started');
    const done = this.execute(runId, sources);
    this.track(done);
    return { runId, sources, done };
  }

  /** Runs and waits for the end (scheduler, CLI, tests). */
  async run(request: RunRequest): Promise<RunSummary> {
    return (await this.start(request)).done;
  }

  isRunning(source: string): boolean {
    return (this.runningHere.get(source) ?? 0) > 0;
  }

  private release(source: string): void {
    const n = (this.runningHere.get(source) ?? 1) - 1;
    if (n <= 0) this.runningHere.delete(source);
    else this.runningHere.set(source, n);
  }

  private async execute(runId: string, sources: string[]): Promise<RunSummary> {
    const results = await Promise.all(sources.map(async (source) => {
      try {
        return [source, await this.runSource(runId, source)] as const;
      } finally {
        this.release(source);
      }
    }));
    const summary: RunSummary = { runId, status: overallStatus(results.map(([, r]) => r.status)), sources: Object.fromEntries(results) };
    await this.ledger.closeOrphanedRuns(this.instanceId).catch((err: unknown) => this.logger.warn({ err }, 'could not close orphaned runs'));
    await this.anomalies.evaluateRun(runId).catch((err: unknown) => this.logger.warn({ err, runId }, 'could not evaluate run anomalies'));
    if (results.some(([, r]) => r.totals.inserted + r.totals.updated > 0)) {
      await this.newsLinker.relinkRecent().catch((err: unknown) => this.logger.warn({ err, runId }, 'could not re-link recent news'));
    }
    await this.ledger.finishRun(runId, summary.status).catch((err: unknown) => this.logger.error({ err, runId }, 'could not close the run'));
    this.events$.next({ type: 'run_finished', runId, status: summary.status, sources: Object.fromEntries(results.map(([s, r]) => [s, r.status])) });
    this.logger.log({ runId, status: summary.status, sources: Object.fromEntries(results.map(([s, r]) => [s, r.status])) }, 'ETL run finished');
    return summary;
  }

  private async runSource(runId: string, source: string): Promise<RunSummary['sources'][string]> {
    const extractor = this.registry.get(source)!;
    const started = Date.now();
    const totals: BatchCounts = { ...ZERO };
    let lock: SourceLock | undefined;
    try {
      lock = await SourceLock.tryAcquire(this.dataSource, source);
    } catch (err) {
      return this.recordUnstartable(runId, source, err);
    }
    if (!lock) {
      await this.ledger.createSourceRun(runId, source, this.instanceId, 'skipped', null, 'skipped: this source is already running (in this or another process)').catch(() => undefined);
      this.logger.warn({ runId, source }, 'source skipped: already running elsewhere');
      return { status: 'skipped', totals, error: 'already running' };
    }
    let sourceRunId: string | undefined;
    const log = new Logger(`etl:${source}`);
    const http = this.retry.clientFor(source, log, this.shutdown.signal);
    let fingerprint: string | null = null;
    let cursors = new Map<string, StreamCursor>();
    let status: RunStatus = 'succeeded';
    let error: unknown;
    try {
      const abandoned = await this.ledger.abandonStaleSourceRuns(lock.queryRunner, source);
      if (abandoned > 0) this.logger.warn({ source, abandoned }, 'marked runs left by a dead process as abandoned');
      // The lease before the checkpoints: a previous owner's batch still in flight commits first or not at all.
      const fence = await lock.takeLease(this.instanceId);
      cursors = await this.checkpoints.load(source);
      sourceRunId = await this.ledger.createSourceRun(runId, source, this.instanceId, 'running', Object.fromEntries(cursors));
      await lock.recordLeaseOwner(fence, sourceRunId);
      this.events$.next({ type: 'source_started', runId, source });
      const runStartedAt = new Date();
      const resolvedAssets = new ResolvedAssetCache();
      const copyFirst = new CopyFirstPolicies();
      const streams = new Map(extractor.streams.map((s) => [s.name, s]));
      const batches = extractor.extract({
        cursor: (stream) => cursors.get(stream),
        signal: this.shutdown.signal,
        http,
        logger: log,
        runStartedAt,
        batchSize: this.config.etl.batchSize,
        lookbackSeconds: this.config.etl.lookbackSeconds,
      });
      const prepared = readAhead(batches, async (batch) => {
        const stream = streams.get(batch.stream);
        if (!stream) throw new Error(`${source} yielded a batch for undeclared stream "${batch.stream}"`);
        const prepareContext = { extractor, stream, runId, runStartedAt, resolvedAssets };
        return { stream, prepared: await this.batches.prepare(prepareContext, batch) };
      });
      for await (const { stream, prepared: next } of prepared) {
        this.shutdown.signal.throwIfAborted();
        const batch = next.batch;
        this.injector.check(source, totals.extracted, batch.records.length);
        // The batch boundary: a cancel request (from any process) stops here, before this batch commits.
        if (await this.cancellations.isCancelRequested(runId)) throw new RunCancelledError(runId);
        const previousCursor = cursors.get(batch.stream);
        const ctx = {
          extractor, stream, runId, sourceRunId, runStartedAt, previousCursor, fence, resolvedAssets, copyFirst,
        };
        const result = await this.batches.commit(ctx, next);
        cursors.set(batch.stream, result.cursor);
        fingerprint = result.fingerprint;
        addInto(totals, result.counts);
        this.metrics.recordOutcomes(source, batch.stream, result.counts);
        for (const f of result.findings) this.metrics.driftDetected(source, f.kind);
        this.events$.next({ type: 'batch_committed', runId, source, stream: batch.stream, counts: result.counts, totals: { ...totals }, retries: http.usage.retries, elapsedMs: Date.now() - started });
      }
    } catch (err) {
      error = err;
      status = err instanceof SourceLeaseLostError ? 'abandoned'
        : err instanceof RunCancelledError ? 'cancelled'
        : err instanceof DomainError && err.classification === 'rate_limited' ? 'rate_limited' : 'failed';
    }
    const message = error ? describeError(error, this.shutdown.signal.aborted, this.masker) : null;
    if (error) this.logger.error({ runId, source, status, error: message, errorClass: errorClass(error) }, 'source run ended with an error');
    try {
      if (sourceRunId) {
        await this.ledger.finishSourceRun(sourceRunId, {
          status, cursorAfter: Object.fromEntries(cursors), errorClass: error ? errorClass(error) : null, errorMessage: message,
          schemaFingerprint: fingerprint, retries: http.usage.retries, waits: http.usage,
        });
      }
    } catch (err) {
      this.logger.error({ err, runId, source }, 'could not record the end of the source run');
    } finally {
      await lock.release();
    }
    const durationMs = Date.now() - started;
    this.metrics.sourceRunFinished(source, status, durationMs / 1000, new Date());
    this.events$.next({ type: 'source_finished', runId, source, status, totals: { ...totals }, durationMs, error: message });
    return { status, totals, error: message };
  }

  private async recordUnstartable(runId: string, source: string, err: unknown): Promise<RunSummary['sources'][string]> {
    const message = describeError(err, false, this.masker);
    this.logger.error({ runId, source, error: message }, 'source could not start');
    const id = await this.ledger.createSourceRun(runId, source, this.instanceId, 'failed', null, message).catch(() => undefined);
    if (id) await this.ledger.finishSourceRun(id, { status: 'failed', cursorAfter: null, errorClass: errorClass(err), errorMessage: message, schemaFingerprint: null, retries: 0, waits: NO_WAITS }).catch(() => undefined);
    this.metrics.sourceRunFinished(source, 'failed', 0, new Date());
    return { status: 'failed', totals: { ...ZERO }, error: message };
  }

  private validateSources(requested?: string[]): string[] {
    const enabled = this.registry.enabledIds();
    if (!requested || requested.length === 0) return enabled;
    const unique = [...new Set(requested)];
    const unknown = unique.filter((s) => !enabled.includes(s));
    if (unknown.length > 0) throw new UnknownSourceError(unknown, enabled);
    return unique;
  }

  /**
   * Sources another process is running now. A `running` row alone is not proof (its process may be
   * dead, or may have lost the database mid-run): the source's advisory lock is. Stale rows found
   * on the way are closed as abandoned.
   */
  private async runningElsewhere(sources: string[]): Promise<string[]> {
    const marked = (await this.ledger.sourcesMarkedRunning()).filter((s) => sources.includes(s));
    const busy: string[] = [];
    for (const source of marked) {
      const lock = await SourceLock.tryAcquire(this.dataSource, source);
      if (!lock) {
        busy.push(source);
        continue;
      }
      try {
        await this.ledger.abandonStaleSourceRuns(lock.queryRunner, source);
      } finally {
        await lock.release();
      }
    }
    return busy;
  }

  private async recoverAbandonedRuns(): Promise<void> {
    try {
      for (const source of await this.ledger.sourcesMarkedRunning()) {
        const lock = await SourceLock.tryAcquire(this.dataSource, source);
        if (!lock) continue;
        try {
          const n = await this.ledger.abandonStaleSourceRuns(lock.queryRunner, source);
          if (n > 0) this.logger.warn({ source, abandoned: n }, 'marked runs left by a dead process as abandoned');
        } finally {
          await lock.release();
        }
      }
      await this.ledger.closeOrphanedRuns(this.instanceId);
    } catch (err) {
      this.logger.error({ err }, 'could not check for abandoned runs');
    }
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }
}

function overallStatus(statuses: RunStatus[]): RunStatus {
  const active = statuses.filter((s) => s !== 'skipped');
  if (active.length === 0) return 'skipped';
  if (active.includes('cancelled')) return 'cancelled';
  if (active.every((s) => s === 'succeeded')) return 'succeeded';
  if (active.every((s) => s === 'failed')) return 'failed';
  if (active.every((s) => s === 'abandoned')) return 'abandoned';
  if (active.every((s) => s === 'succeeded' || s === 'rate_limited')) return 'rate_limited';
  return 'partial';
}

function addInto(totals: BatchCounts, c: BatchCounts): void {
  totals.extracted += c.extracted;
  totals.inserted += c.inserted;
  totals.updated += c.updated;
  totals.unchanged += c.unchanged;
  totals.duplicate += c.duplicate;
  totals.quarantined += c.quarantined;
}

function errorClass(err: unknown): string {
  return err instanceof Error ? err.name : 'Error';
}

/** A one-line message for the ledger: credential-like URL parameters and configured secrets masked, then cut. */
function describeError(err: unknown, shuttingDown: boolean, masker: SecretMasker): string {
  if (shuttingDown) return 'interrupted by shutdown; the next run resumes from the last committed checkpoint';
  const message = err instanceof Error ? err.message : String(err);
  return masker.mask(message).replace(/https?:\/\/\S+/g, (url) => maskUrl(url)).slice(0, 2000);
}
