import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../../platform/config/app-config.js';
import { degradedSources } from './degraded-sources.js';
import { HealthRepository, type LastRunRow } from './health.repository.js';

/**
 * The last run of each enabled source. A source whose last run failed, or that has not succeeded
 * within its freshness budget, is listed as degraded; that does not fail the check (the API serves).
 */
@Injectable()
export class EtlHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly repository: HealthRepository,
    private readonly config: AppConfig,
  ) {}

  async sourcesStatus(key = 'etl') {
    const indicator = this.health.check(key);
    let rows: LastRunRow[];
    try {
      rows = await this.repository.lastRuns(this.config.etl.sources);
    } catch {
      return indicator.down({ message: 'run ledger unreadable' });
    }
    const budgetMs = this.config.etl.freshnessBudgetSeconds * 1000;
    const now = Date.now();
    const sources = Object.fromEntries(
      rows.map((r) => [r.source, { last_status: r.status ?? 'never_run', last_success_at: r.last_success_at }]),
    );
    const degraded = degradedSources(rows, budgetMs, now);
    return degraded.length > 0 ? indicator.degraded({ sources, degraded }) : indicator.up({ sources, degraded });
  }
}
