import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StreamCursor } from '../extractor/extractor.interface.js';
import { CheckpointRepository, type CheckpointWrite } from './checkpoint.repository.js';
import type { SourceFence } from './source-lease.repository.js';

/**
 * Cursor bookkeeping with exactly-once effect: a batch's rows and its cursor commit in one
 * transaction (the caller's), so the stored cursor never runs ahead of the data. A cursor's
 * `watermark` never moves backwards and never past the start of the run that wrote it, and a run
 * that lost its source (fencing token no longer current) cannot write one at all.
 */
@Injectable()
export class CheckpointService {
  constructor(private readonly repository: CheckpointRepository) {}

  load(source: string): Promise<Map<string, StreamCursor>> {
    return this.repository.findCheckpoints(source);
  }

  /** The cursor to store after a batch, given the previous one and the extractor's proposal. */
  advance(previous: StreamCursor | undefined, proposed: StreamCursor, runStartedAt: Date): StreamCursor {
    if (proposed.watermark === undefined) return proposed;
    const proposedAt = Date.parse(proposed.watermark);
    if (Number.isNaN(proposedAt)) {
      throw new Error(`cursor watermark "${proposed.watermark}" is not an ISO-8601 timestamp`);
    }
    let at = Math.min(proposedAt, runStartedAt.getTime());
    const previousAt = previous?.watermark ? Date.parse(previous.watermark) : Number.NaN;
    if (!Number.isNaN(previousAt)) at = Math.max(at, previousAt);
    return { ...proposed, watermark: new Date(at).toISOString() };
  }

  /**
   * First statement of a batch's transaction: fails it (SourceLeaseLostError) before it writes
   * anything when the run no longer owns the source, and otherwise holds the lease row so a new
   * owner waits for this batch instead of racing it (no lock-order deadlock on the rows either).
   */
  assertOwner(manager: EntityManager, fence: SourceFence): Promise<void> {
    return this.repository.assertLease(manager, fence);
  }

  /** Inside the batch's transaction; throws SourceLeaseLostError when the run no longer owns the source. */
  commit(manager: EntityManager, write: CheckpointWrite): Promise<void> {
    return this.repository.saveCheckpoint(manager, write);
  }
}
