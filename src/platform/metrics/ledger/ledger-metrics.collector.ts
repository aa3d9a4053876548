import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { register, type Counter } from 'prom-client';
import { AppConfig } from '../../config/app-config.js';
import { METRIC } from '../etl.metrics.js';
import { ledgerFamilies, type MetricFamily } from './ledger-metric-families.js';
import { LedgerSummaryRepository, type LedgerSummary } from './ledger-summary.repository.js';

/** How long one summary serves scrapes: Prometheus and every dashboard refresh share one query. */
export const LEDGER_SUMMARY_TTL_MS = 5_000;

/**
 * Serves the ETL metric families from the run ledger: every scrape of every replica sees every run,
 * whether this process, another replica, the CLI or a CronJob did it. One summary query per TTL,
 * shared by concurrent scrapes; if it fails, the last good summary is served and the error counted.
 */
@Injectable()
export class LedgerMetricsCollector implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LedgerMetricsCollector.name);
  private cached: { at: number; families: Promise<MetricFamily[]> } | undefined;
  private lastGood: MetricFamily[] = [];
  /** Whether the last summary query reached the database (etl_database_up: this process's view). */
  private databaseUp = 0;
  private readonly registered = new Map<string, unknown>();
  private readonly names = Object.values(METRIC).filter((n) => LEDGER_SERVED.has(n));

  constructor(
    private readonly repository: LedgerSummaryRepository,
    private readonly config: AppConfig,
    @InjectMetric(METRIC.ledgerErrors) private readonly errors: Counter<string>,
  ) {}

  onModuleInit(): void {
    for (const name of this.names) {
      // One family per name in the process-wide registry; a second app in the same process takes over.
      register.removeSingleMetric(name);
      const metric = {
        name,
        help: '',
        type: 'gauge',
        aggregator: 'first',
        get: async () => {
          const family = (await this.families()).concat(this.databaseFamily()).find((f) => f.name === name);
          return {
            name,
            help: family?.help ?? name,
            type: family?.type ?? 'gauge',
            values: family?.values ?? [],
            aggregator: 'first',
          };
        },
      } as unknown as Parameters<typeof register.registerMetric>[0];
      register.registerMetric(metric);
      this.registered.set(name, metric);
    }
  }

  onModuleDestroy(): void {
    // Only ours: another app in this process may have taken the name over since.
    for (const [name, metric] of this.registered) {
      if (register.getSingleMetric(name) === metric) register.removeSingleMetric(name);
    }
    this.registered.clear();
  }

  private databaseFamily(): MetricFamily {
    return {
      name: METRIC.databaseUp,
      type: 'gauge',
      values: [{ labels: {}, value: this.databaseUp }],
      help: "1 when this process's last run-ledger summary query reached the database, else 0",
    };
  }

  /** The ledger changed in this process (a run finished): the next scrape queries afresh. */
  invalidate(): void {
    this.cached = undefined;
  }

  private families(): Promise<MetricFamily[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > LEDGER_SUMMARY_TTL_MS) {
      this.cached = { at: now, families: this.load() };
    }
    return this.cached.families;
  }

  private async load(): Promise<MetricFamily[]> {
    const { sources, freshnessBudgetSeconds } = this.config.etl;
    let summary: LedgerSummary;
    try {
      summary = await this.repository.summary(sources);
    } catch (err) {
      this.errors.inc();
      this.databaseUp = 0;
      this.logger.warn({ err }, 'run-ledger metrics summary failed; serving the last good one');
      this.cached = undefined;
      return this.lastGood;
    }
    this.databaseUp = 1;
    this.lastGood = ledgerFamilies({ summary, sources, freshnessBudgetSeconds, now: new Date() });
    return this.lastGood;
  }
}

const LEDGER_SERVED = new Set<string>([
  METRIC.records,
  METRIC.recordsExtracted,
  METRIC.runDuration,
  METRIC.runs,
  METRIC.lastSuccess,
  METRIC.consecutiveFailures,
  METRIC.dataAge,
  METRIC.freshnessBudget,
  METRIC.rateLimitWait,
  METRIC.driftEvents,
  METRIC.anomalies,
  METRIC.divergentAssets,
  METRIC.consensusSpread,
  METRIC.databaseUp,
]);
