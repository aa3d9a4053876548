import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SourcesBusyError } from '../errors.js';
import { EtlRunner } from '../etl-runner.service.js';
import type { Extractor } from '../extractor/extractor.interface.js';
import { SourceRegistry } from '../registry/source-registry.service.js';
import { SourceLock } from '../source-lock.js';
import { CheckpointResetRepository } from './checkpoint-reset.repository.js';
import { RunFinishedError, RunNotFoundError, UnknownSourceIdError, UnknownStreamError } from './operation-errors.js';
import { RunCancellationRepository } from './run-cancellation.repository.js';

export interface ResetResult {
  source: string;
  streams_reset: string[];
}

export interface CancelResult {
  run_id: string;
  status: 'cancelling';
}

/** Operator controls over streams and runs, shared by the admin API and the CLI. */
@Injectable()
export class StreamOperationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: SourceRegistry,
    private readonly runner: EtlRunner,
    private readonly checkpoints: CheckpointResetRepository,
    private readonly cancellations: RunCancellationRepository,
  ) {}

  /**
   * Clears the checkpoints of some (default: all) streams of a source, so its next run re-reads
   * everything. Done under the source's lock: refused (busy) while any process runs the source.
   */
  async reset(source: string, streams?: string[]): Promise<ResetResult> {
    const extractor = this.installed(source);
    const wanted = this.streamsOf(extractor, streams);
    if (this.runner.isRunning(source)) throw new SourcesBusyError([source], 'operation');
    const lock = await SourceLock.tryAcquire(this.dataSource, source);
    if (!lock) throw new SourcesBusyError([source], 'operation');
    try {
      await this.checkpoints.clearCheckpoints(lock.queryRunner, source, wanted);
    } finally {
      await lock.release();
    }
    return { source, streams_reset: wanted };
  }

  /** Asks a running run to stop at its next batch boundary, whichever process executes it. */
  async cancel(runId: string): Promise<CancelResult> {
    if (await this.cancellations.requestCancel(runId)) return { run_id: runId, status: 'cancelling' };
    const status = await this.cancellations.findRunStatus(runId);
    if (status === undefined) throw new RunNotFoundError(runId);
    throw new RunFinishedError(runId, status);
  }

  /** An installed plugin (enabled or not: resetting a disabled source's state is legitimate). */
  installed(source: string): Extractor {
    const extractor = this.registry.get(source);
    if (!extractor) throw new UnknownSourceIdError(source, this.registry.ids(), 'resource');
    return extractor;
  }

  private streamsOf(extractor: Extractor, requested?: string[]): string[] {
    const declared = extractor.streams.map((s) => s.name);
    if (!requested || requested.length === 0) return declared;
    const wanted = [...new Set(requested)];
    const unknown = wanted.filter((s) => !declared.includes(s));
    if (unknown.length > 0) throw new UnknownStreamError(extractor.sourceId, unknown, declared);
    return wanted;
  }
}
