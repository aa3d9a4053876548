import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { register, type Counter, type Histogram } from 'prom-client';
import { METRIC } from './etl.metrics.js';
import { LedgerMetricsCollector } from './ledger/ledger-metrics.collector.js';

export type RecordOutcome = 'inserted' | 'updated' | 'unchanged' | 'quarantined' | 'duplicate' | 'extracted';

/** A source run's final status (the ledger holds the run; the collector re-reads it). */
export interface SourceRunFinished {
  source: string;
  status: string;
  durationSeconds: number;
  at: Date;
}

export interface ApiRequestObservation {
  method: string;
  /** The route pattern (`/assets/:id`), never the raw URL: bounded label values. */
  route: string;
  status: number;
  seconds: number;
}

/**
 * The only way services touch metrics: intent-named methods. ETL run results live in the run ledger
 * and are served from it (LedgerMetricsCollector); the ETL's calls here only tell the collector the
 * ledger moved, so this process's next scrape is fresh. Upstream HTTP and API latency are per process.
 */
@Injectable()
export class MetricsService {
  constructor(
    @InjectMetric(METRIC.httpRequests) private readonly httpRequests: Counter<string>,
    @InjectMetric(METRIC.retries) private readonly retries: Counter<string>,
    @InjectMetric(METRIC.apiRequestDuration) private readonly apiDuration: Histogram<string>,
    @InjectMetric(METRIC.partitionsDropped) private readonly partitionsDropped: Counter<string>,
    private readonly ledger: LedgerMetricsCollector,
  ) {}

  /** A batch's counts were committed to the ledger. */
  recordOutcomes(_source: string, _stream: string, _counts: Partial<Record<RecordOutcome, number>>): void {
    this.ledger.invalidate();
  }

  /** A source run's final status was written to the ledger. */
  sourceRunFinished(_run: SourceRunFinished): void {
    this.ledger.invalidate();
  }

  /** Drift events were upserted into drift_events. */
  driftDetected(_source: string, _kind: string): void {
    this.ledger.invalidate();
  }

  /** A run's anomaly evaluation was stored in its ledger row. */
  ledgerChanged(): void {
    this.ledger.invalidate();
  }

  upstreamRequest(source: string, status: string): void {
    this.httpRequests.inc({ source, status });
  }

  retry(source: string, reason: string): void {
    this.retries.inc({ source, reason });
  }

  /** Waits are summed into the source run's ledger row by the HTTP client's usage; served from there. */
  rateLimitWaited(_source: string, _seconds: number): void {
    this.ledger.invalidate();
  }

  /** Retention dropped one whole partition of `table`. */
  partitionDropped(table: string): void {
    this.partitionsDropped.inc({ table });
  }

  /** One API request answered, timed by the HTTP layer. */
  apiRequest({ method, route, status, seconds }: ApiRequestObservation): void {
    this.apiDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** Current counter values (ledger-served and per-process), for the seed's JSON metrics endpoint. */
  async snapshot(): Promise<Record<string, Array<{ labels: Record<string, string | number>; value: number }>>> {
    const out: Record<string, Array<{ labels: Record<string, string | number>; value: number }>> = {};
    for (const name of [
      METRIC.records,
      METRIC.recordsExtracted,
      METRIC.runs,
      METRIC.httpRequests,
      METRIC.retries,
      METRIC.rateLimitWait,
      METRIC.driftEvents,
      METRIC.anomalies,
      METRIC.lastSuccess,
    ]) {
      const metric = register.getSingleMetric(name);
      if (!metric) continue;
      const data = await metric.get();
      out[name] = data.values.map((v) => ({ labels: v.labels as Record<string, string | number>, value: v.value }));
    }
    return out;
  }
}
