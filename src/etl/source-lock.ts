import type { DataSource, QueryRunner } from 'typeorm';

/**
 * A session-level PostgreSQL advisory lock per source, held on a dedicated connection for the whole
 * source run: overlapping schedules, a manual trigger during a run, or several replicas never run the
 * same source at once. If the process dies, PostgreSQL releases the lock with the connection.
 */
export class SourceLock {
  private constructor(private readonly runner: QueryRunner, private readonly source: string) {}

  static async tryAcquire(dataSource: DataSource, source: string): Promise<SourceLock | undefined> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext('kasparro-etl:source'), hashtext($1)) AS locked`, [source])) as Array<{ locked: boolean }>;
      if (row.locked) return new SourceLock(runner, source);
    } catch (err) {
      await runner.release();
      throw err;
    }
    await runner.release();
    return undefined;
  }

  get queryRunner(): QueryRunner {
    return this.runner;
  }

  async release(): Promise<void> {
    try {
      await this.runner.query(`SELECT pg_advisory_unlock(hashtext('kasparro-etl:source'), hashtext($1))`, [this.source]);
    } catch {
      // The connection is gone (database restarted): PostgreSQL already released the lock with it.
    } finally {
      await this.runner.release().catch(() => undefined);
    }
  }
}
