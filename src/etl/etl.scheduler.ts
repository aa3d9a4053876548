import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../platform/config/app-config.js';
import { EtlRunner } from './etl-runner.service.js';
import { SourceRegistry } from './registry/source-registry.service.js';

export const ETL_CRON_JOB = 'etl-run';

/** The job name of a source scheduled on its own (`<SOURCE>_CRON`). */
export function sourceCronJobName(source: string): string {
  return `${ETL_CRON_JOB}:${source}`;
}

/** One cron job: its name, its expression and the sources each tick runs. */
export interface ScheduledGroup {
  job: string;
  cron: string;
  sources: string[];
}

/**
 * Which job runs which enabled source: every source with a `<SOURCE>_CRON` gets a job of its own,
 * the others share the ETL_CRON job (one run for all of them, as before).
 */
export function scheduleGroups(
  enabled: readonly string[],
  defaultCron: string,
  overrides: Readonly<Record<string, string>>,
): ScheduledGroup[] {
  const shared = enabled.filter((s) => overrides[s] === undefined);
  const groups: ScheduledGroup[] = shared.length > 0 ? [{ job: ETL_CRON_JOB, cron: defaultCron, sources: shared }] : [];
  for (const s of enabled) {
    if (overrides[s] !== undefined) groups.push({ job: sourceCronJobName(s), cron: overrides[s], sources: [s] });
  }
  return groups;
}

/**
 * The ETL schedule (ETL_CRON, overridden per source by `<SOURCE>_CRON`) and the run at start-up
 * (ETL_RUN_ON_START). The cron expressions come from validated config, so the jobs are registered
 * through SchedulerRegistry (the dynamic form of @Cron). API-only replicas (APP_ROLE=api) never
 * schedule anything.
 */
@Injectable()
export class EtlScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(EtlScheduler.name);

  constructor(
    private readonly config: AppConfig,
    private readonly runner: EtlRunner,
    private readonly scheduler: SchedulerRegistry,
    private readonly registry: SourceRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') {
      this.logger.log('APP_ROLE=api: the ETL is not scheduled in this process');
      return;
    }
    if (this.config.etl.schedulerEnabled) {
      const { cron, sourceCrons } = this.config.etl;
      for (const group of scheduleGroups(this.registry.enabledIds(), cron, sourceCrons)) {
        const job = CronJob.from({
          cronTime: group.cron,
          onTick: () => this.tick('schedule', group.sources),
          start: true,
          timeZone: 'UTC',
        });
        this.scheduler.addCronJob(group.job, job);
        const next = job.nextDate().toISO();
        this.logger.log({ job: group.job, cron: group.cron, sources: group.sources, next }, 'ETL scheduled');
      }
    }
    if (this.config.etl.runOnStart) void this.tick('startup');
  }

  /** One scheduled or start-up run (of `sources`, default all); errors are logged, never thrown into the timer. */
  async tick(trigger: 'schedule' | 'startup', sources?: string[]): Promise<void> {
    try {
      await this.runner.run({ trigger, sources });
    } catch (err) {
      this.logger.error({ err, trigger, sources }, 'scheduled ETL run could not start');
    }
  }
}
