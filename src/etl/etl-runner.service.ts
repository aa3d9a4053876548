import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Subject } from 'rxjs';
import { SourcesBusyError, UnknownSourceError } from './errors.js';
import type { EtlEvent } from './etl-events.js';
import { SourceRegistry } from './registry/source-registry.service.js';
import type { BatchCounts } from './ledger/batch-counts.js';
import { RunLedgerRepository, type RunStatus, type RunTrigger } from './ledger/run-ledger.repository.js';
import { RunFinisher } from './runner/run-finisher.service.js';
import { RunRecovery } from './runner/run-recovery.service.js';
import { SourceRunner } from './runner/source-runner.service.js';

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

/**
 * Runs sources: on schedule, at start-up, on demand (API, CLI). Sources of a run execute
 * independently and in parallel (SourceRunner): one failing never stops or rolls back another. On
 * shutdown the current batch of each commits or rolls back, then runs end as failed. Recovery from
 * runs a dead process left is RunRecovery's.
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

  constructor(
    private readonly registry: SourceRegistry,
    private readonly ledger: RunLedgerRepository,
    private readonly recovery: RunRecovery,
    private readonly sourceRunner: SourceRunner,
    private readonly finisher: RunFinisher,
  ) {}

  /** Runs left `running` by a dead process are marked abandoned at start. */
  async onApplicationBootstrap(): Promise<void> {
    await this.recovery.recoverAbandonedRuns(this.instanceId);
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
      const elsewhere = request.trigger === 'manual' ? await this.recovery.runningElsewhere(sources) : [];
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
    const results = await Promise.all(
      sources.map(async (source) => {
        try {
          return [source, await this.runSource(runId, source)] as const;
        } finally {
          this.release(source);
        }
      }),
    );
    const summary: RunSummary = {
      runId,
      status: overallStatus(results.map(([, r]) => r.status)),
      sources: Object.fromEntries(results),
    };
    const wroteRows = results.some(([, r]) => r.totals.inserted + r.totals.updated > 0);
    await this.finisher.finish({ runId, status: summary.status, instanceId: this.instanceId, wroteRows });
    this.events$.next({
      type: 'run_finished',
      runId,
      status: summary.status,
      sources: Object.fromEntries(results.map(([s, r]) => [s, r.status])),
    });
    this.logger.log(
      { runId, status: summary.status, sources: Object.fromEntries(results.map(([s, r]) => [s, r.status])) },
      'ETL run finished',
    );
    return summary;
  }

  private runSource(runId: string, source: string): Promise<RunSummary['sources'][string]> {
    return this.sourceRunner.run({
      runId,
      extractor: this.registry.get(source)!,
      instanceId: this.instanceId,
      signal: this.shutdown.signal,
      emit: (event) => this.events$.next(event),
    });
  }

  private validateSources(requested?: string[]): string[] {
    const enabled = this.registry.enabledIds();
    if (!requested || requested.length === 0) return enabled;
    const unique = [...new Set(requested)];
    const unknown = unique.filter((s) => !enabled.includes(s));
    if (unknown.length > 0) throw new UnknownSourceError(unknown, enabled);
    return unique;
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
