import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RunLedgerRepository } from '../ledger/run-ledger.repository.js';
import { SourceLock } from '../source-lock.js';

/**
 * Recovery from runs a dead process left behind: `running` rows whose source lock nobody holds are
 * closed as abandoned (at boot, before a manual trigger, and when a source run takes its lock), and
 * runs whose source runs have all ended are closed.
 */
@Injectable()
export class RunRecovery {
  private readonly logger = new Logger(RunRecovery.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: RunLedgerRepository,
  ) {}

  /** At start: runs left `running` by a dead process are marked abandoned (errors are logged, never thrown). */
  async recoverAbandonedRuns(instanceId: string): Promise<void> {
    try {
      for (const source of await this.ledger.sourcesMarkedRunning()) {
        const lock = await SourceLock.tryAcquire(this.dataSource, source);
        if (!lock) continue;
        try {
          await this.abandonStaleRuns(lock, source);
        } finally {
          await lock.release();
        }
      }
      await this.ledger.closeOrphanedRuns(instanceId);
    } catch (err) {
      this.logger.error({ err }, 'could not check for abandoned runs');
    }
  }

  /**
   * Sources another process is running now. A `running` row alone is not proof (its process may be
   * dead, or may have lost the database mid-run): the source's advisory lock is. Stale rows found
   * on the way are closed as abandoned.
   */
  async runningElsewhere(sources: string[]): Promise<string[]> {
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

  /** The source's advisory lock, or undefined while another run or process holds it. */
  tryLockSource(source: string): Promise<SourceLock | undefined> {
    return SourceLock.tryAcquire(this.dataSource, source);
  }

  /** With the source's lock held: its runs still marked `running` were left by a dead process. */
  async abandonStaleRuns(lock: SourceLock, source: string): Promise<void> {
    const abandoned = await this.ledger.abandonStaleSourceRuns(lock.queryRunner, source);
    if (abandoned > 0) this.logger.warn({ source, abandoned }, 'marked runs left by a dead process as abandoned');
  }
}
