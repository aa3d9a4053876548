import type { EntityManager, QueryRunner } from 'typeorm';
import { SourceLeaseLostError } from './source-lease-lost.error.js';

/** The fencing token a run holds for its source, checked by every checkpoint write. */
export interface SourceFence {
  source: string;
  token: string;
}

export interface LeaseRequest {
  source: string;
  sourceRunId: string | null;
  /** The process taking the lease (EtlRunner.instanceId). */
  instance: string;
}

/**
 * SQL of the source leases. Not injectable on purpose: the lock (a plain object holding its own
 * connection) takes the lease, and the checkpoint repository checks it inside the batch transaction.
 */
export class SourceLeaseRepository {
  /**
   * Takes the lease right after the advisory lock: the token grows by one, so any batch of the
   * previous owner still in flight can no longer commit.
   */
  async acquire(runner: QueryRunner, o: LeaseRequest): Promise<SourceFence> {
    const [row] = (await runner.query(
      `INSERT INTO source_leases AS l (source, token, owner_source_run_id, owner_instance, acquired_at)
       VALUES ($1, 1, $2::bigint, $3, now())
       ON CONFLICT (source) DO UPDATE
         SET token = l.token + 1, owner_source_run_id = EXCLUDED.owner_source_run_id,
             owner_instance = EXCLUDED.owner_instance, acquired_at = now()
       RETURNING token::text AS token`,
      [o.source, o.sourceRunId, o.instance],
    )) as Array<{ token: string }>;
    return { source: o.source, token: row.token };
  }

  async recordOwner(runner: QueryRunner, fence: SourceFence, sourceRunId: string): Promise<void> {
    await runner.query(
      `UPDATE source_leases SET owner_source_run_id = $3::bigint WHERE source = $1 AND token = $2::bigint`,
      [fence.source, fence.token, sourceRunId],
    );
  }

  /**
   * Inside the batch's transaction, before its checkpoint is written. The row lock taken here
   * orders this transaction against a new acquisition: either the batch commits first (and the new
   * owner reads its checkpoint after), or the new token is visible here and the batch fails.
   */
  async assertCurrent(manager: EntityManager, fence: SourceFence): Promise<void> {
    const rows = (await manager.query(
      `SELECT token::text AS token FROM source_leases WHERE source = $1 AND token = $2::bigint FOR UPDATE`,
      [fence.source, fence.token],
    )) as Array<{ token: string }>;
    if (rows.length === 0) throw new SourceLeaseLostError(fence.source, fence.token);
  }
}
