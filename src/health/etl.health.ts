import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';

interface LastRunRow {
  source: string;
  status: string;
  finished_at: Date | null;
  last_success_at: Date | null;
}

/**
 * The last run of each enabled source. A source whose last run failed, or that has not succeeded
 * within its freshness budget, is listed as degraded; that does not fail the check (the API serves).
 */
@Injectable()
export class EtlHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async sourcesStatus(key = 'etl') {
    const indicator = this.health.check(key);
    let rows: LastRunRow[];
    try {
      rows = (await this.dataSource.query(
        `SELECT s.source,
                (SELECT r.status FROM etl_source_runs r WHERE r.source = s.source ORDER BY r.started_at DESC, r.id DESC LIMIT 1) AS status,
                (SELECT max(r.finished_at) FROM etl_source_runs r WHERE r.source = s.source) AS finished_at,
                (SELECT max(r.finished_at) FROM etl_source_runs r WHERE r.source = s.source AND r.status = 'succeeded') AS last_success_at
           FROM unnest($1::text[]) AS s(source)`,
        [this.config.etl.sources],
      )) as LastRunRow[];
    } catch {
      return indicator.down({ message: 'run ledger unreadable' });
    }
    const budgetMs = this.config.etl.freshnessBudgetSeconds * 1000;
    const now = Date.now();
    const sources = Object.fromEntries(
      rows.map((r) => [r.source, { last_status: r.status ?? 'never_run', last_success_at: r.last_success_at }]),
    );
    const degraded = rows
      .filter((r) => r.status !== null && (['failed', 'abandoned', 'rate_limited'].includes(r.status) ||
        !r.last_success_at || now - new Date(r.last_success_at).getTime() > budgetMs))
      .map((r) => r.source);
    return degraded.length > 0 ? indicator.degraded({ sources, degraded }) : indicator.up({ sources, degraded });
  }
}
