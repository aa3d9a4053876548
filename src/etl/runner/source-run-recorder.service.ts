import { Injectable, Logger } from '@nestjs/common';
import { maskUrl } from '../../platform/logging/logger.options.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import type { StreamCursor } from '../extractor/extractor.interface.js';
import type { BatchCounts } from '../ledger/batch-counts.js';
import { RunLedgerRepository, type RunStatus } from '../ledger/run-ledger.repository.js';
import type { Waits } from '../http-client/waits.js';
import { ZERO_COUNTS } from './source-run-state.js';

/** How one source of a run ended. */
export interface SourceRunResult {
  status: RunStatus;
  totals: BatchCounts;
  error: string | null;
}

/** A source of a run, as the ledger names it. */
export interface SourceOfRun {
  runId: string;
  source: string;
  instanceId: string;
}

/** The end of a started source run, for its ledger row. */
export interface SourceRunEnd {
  sourceRunId: string;
  status: RunStatus;
  cursors: Map<string, StreamCursor>;
  error: unknown;
  message: string | null;
  fingerprint: string | null;
  retries: number;
  waits: Waits;
}

const NO_WAITS: Waits = { rateLimitWaitMs: 0, backoffWaitMs: 0, retryAfterWaitMs: 0 };

/** Records source runs in the run ledger and the metrics: started, skipped, unstartable, finished. */
@Injectable()
export class SourceRunRecorder {
  private readonly logger = new Logger(SourceRunRecorder.name);

  constructor(
    private readonly ledger: RunLedgerRepository,
    private readonly metrics: MetricsService,
    private readonly masker: SecretMasker,
  ) {}

  started(run: SourceOfRun, cursors: Map<string, StreamCursor>): Promise<string> {
    return this.ledger.createSourceRun({ ...run, status: 'running', cursorBefore: Object.fromEntries(cursors) });
  }

  async skipped({ runId, source, instanceId }: SourceOfRun): Promise<SourceRunResult> {
    await this.ledger
      .createSourceRun({
        runId,
        source,
        instanceId,
        status: 'skipped',
        cursorBefore: null,
        errorMessage: 'skipped: this source is already running (in this or another process)',
      })
      .catch(() => undefined);
    this.logger.warn({ runId, source }, 'source skipped: already running elsewhere');
    return { status: 'skipped', totals: { ...ZERO_COUNTS }, error: 'already running' };
  }

  async unstartable({ runId, source, instanceId }: SourceOfRun, err: unknown): Promise<SourceRunResult> {
    const message = this.describeError(err, false);
    this.logger.error({ runId, source, error: message }, 'source could not start');
    const id = await this.ledger
      .createSourceRun({ runId, source, instanceId, status: 'failed', cursorBefore: null, errorMessage: message })
      .catch(() => undefined);
    if (id) {
      await this.ledger
        .finishSourceRun(id, {
          status: 'failed',
          cursorAfter: null,
          errorClass: errorClass(err),
          errorMessage: message,
          schemaFingerprint: null,
          retries: 0,
          waits: NO_WAITS,
        })
        .catch(() => undefined);
    }
    this.metrics.sourceRunFinished({ source, status: 'failed', durationSeconds: 0, at: new Date() });
    return { status: 'failed', totals: { ...ZERO_COUNTS }, error: message };
  }

  /** The ledger row of a started source run closed. */
  async ended(end: SourceRunEnd): Promise<void> {
    await this.ledger.finishSourceRun(end.sourceRunId, {
      status: end.status,
      cursorAfter: Object.fromEntries(end.cursors),
      errorClass: end.error ? errorClass(end.error) : null,
      errorMessage: end.message,
      schemaFingerprint: end.fingerprint,
      retries: end.retries,
      waits: end.waits,
    });
  }

  finished(source: string, status: RunStatus, durationMs: number): void {
    this.metrics.sourceRunFinished({ source, status, durationSeconds: durationMs / 1000, at: new Date() });
  }

  /** A one-line message for the ledger: credential-like URL parameters and configured secrets masked, then cut. */
  describeError(err: unknown, shuttingDown: boolean): string {
    if (shuttingDown) return 'interrupted by shutdown; the next run resumes from the last committed checkpoint';
    const message = err instanceof Error ? err.message : String(err);
    return this.masker
      .mask(message)
      .replace(/https?:\/\/\S+/g, (url) => maskUrl(url))
      .slice(0, 2000);
  }
}

export function errorClass(err: unknown): string {
  return err instanceof Error ? err.name : 'Error';
}
