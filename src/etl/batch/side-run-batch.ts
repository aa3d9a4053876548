import type { EntityManager } from 'typeorm';
import type { SourceFence } from '../checkpoint/source-lease.repository.js';
import type { BatchContext, PrepareContext } from './batch.types.js';

/** A batch of a side run (a replay, a backfill): prepared like any, committed with the side run's own writes. */
export interface SideRunBatch extends PrepareContext {
  sourceRunId: string;
  fence: SourceFence;
  alsoInTransaction: (manager: EntityManager) => Promise<void>;
}

/** The commit context of a side run's batch: it never reads or moves the stream's incremental checkpoint. */
export function sideRunBatchContext(batch: SideRunBatch): BatchContext {
  return { ...batch, previousCursor: undefined, keepCursor: true };
}
