import type { DataSource, QueryRunner } from 'typeorm';
import { SourceLeaseRepository, type SourceFence } from './checkpoint/source-lease.repository.js';

/**
 * A session-level PostgreSQL advisory lock per source, held on a dedicated connection for the whole
 * source run: overlapping schedules, a manual trigger during a run, or several replicas never run the
 * same source at once. If the process dies, PostgreSQL releases the lock with the connection.
 *
 * The lock alone is not enough: its connection sits idle and can die (idle_session_timeout, a proxy
 * dropping it, a failover) while the run goes on, and another worker can then take the source. So a
 * run also takes the source's lease (`takeLease`), whose fencing token every checkpoint write checks.
 */
export class SourceLock {
  private constructor(
    private readonly runner: QueryRunner,
    private readonly source: string,
  ) {}

  static async tryAcquire(dataSource: DataSource, source: string): Promise<SourceLock | undefined> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('kasparro-etl:source'), hashtext($1)) AS locked`,
        [source],
      )) as Array<{ locked: boolean }>;
      if (row.locked) return new SourceLock(runner, source);
    } catch (err) {
      await runner.release();
      throw err;
    }
    await runner.release();
    return undefined;
  }

  /** Bumps the source's fencing token: call right after the lock, before reading the checkpoints. */
  takeLease(instance: string): Promise<SourceFence> {
    return new SourceLeaseRepository().acquire(this.runner, { source: this.source, sourceRunId: null, instance });
  }

  /** Records which source run holds the lease (for operators; the token alone fences). */
  recordLeaseOwner(fence: SourceFence, sourceRunId: string): Promise<void> {
    return new SourceLeaseRepository().recordOwner(this.runner, fence, sourceRunId);
  }

  get queryRunner(): QueryRunner {
    return this.runner;
  }

  async release(): Promise<void> {
    try {
      await this.runner.query(`SELECT pg_advisory_unlock(hashtext('kasparro-etl:source'), hashtext($1))`, [
        this.source,
      ]);
    } catch {
      // The connection is gone (database restarted): PostgreSQL already released the lock with it.
    } finally {
      await this.runner.release().catch(() => undefined);
    }
  }
}
