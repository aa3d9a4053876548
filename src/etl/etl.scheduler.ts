import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/app-config.js';
import { EtlRunner } from './etl-runner.service.js';

export const ETL_CRON_JOB = 'etl-run';

/**
 * The ETL schedule (ETL_CRON) and the run at start-up (ETL_RUN_ON_START). The cron expression comes
 * from validated config, so the job is registered through SchedulerRegistry (the dynamic form of
 * @Cron). API-only replicas (APP_ROLE=api) never schedule anything.
 */
@Injectable()
export class EtlScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(EtlScheduler.name);

  constructor(
    private readonly config: AppConfig,
    private readonly runner: EtlRunner,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') {
      this.logger.log('APP_ROLE=api: the ETL is not scheduled in this process');
      return;
    }
    if (this.config.etl.schedulerEnabled) {
      const job = CronJob.from({ cronTime: this.config.etl.cron, onTick: () => this.tick('schedule'), start: true, timeZone: 'UTC' });
      this.scheduler.addCronJob(ETL_CRON_JOB, job);
      this.logger.log({ cron: this.config.etl.cron, next: job.nextDate().toISO() }, 'ETL scheduled');
    }
    if (this.config.etl.runOnStart) void this.tick('startup');
  }

  /** One scheduled or start-up run; errors are logged, never thrown into the timer. */
  async tick(trigger: 'schedule' | 'startup'): Promise<void> {
    try {
      await this.runner.run({ trigger });
    } catch (err) {
      this.logger.error({ err, trigger }, 'scheduled ETL run could not start');
    }
  }
}
