import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { METRIC } from './etl.metrics.js';

export type RecordOutcome = 'inserted' | 'updated' | 'unchanged' | 'duplicate' | 'quarantined';

/** The only way services touch metrics: intent-named methods over the metrics of etl.metrics.ts. */
@Injectable()
export class MetricsService {
  constructor(
    @InjectMetric(METRIC.records) private readonly records: Counter<string>,
    @InjectMetric(METRIC.runDuration) private readonly runDuration: Histogram<string>,
    @InjectMetric(METRIC.runs) private readonly runs: Counter<string>,
    @InjectMetric(METRIC.lastSuccess) private readonly lastSuccess: Gauge<string>,
    @InjectMetric(METRIC.httpRequests) private readonly httpRequests: Counter<string>,
    @InjectMetric(METRIC.retries) private readonly retries: Counter<string>,
    @InjectMetric(METRIC.rateLimitWait) private readonly rateLimitWait: Counter<string>,
    @InjectMetric(METRIC.driftEvents) private readonly driftEvents: Counter<string>,
    @InjectMetric(METRIC.anomalies) private readonly anomalies: Counter<string>,
    @InjectMetric(METRIC.apiRequestDuration) private readonly apiDuration: Histogram<string>,
  ) {}

  recordOutcomes(source: string, stream: string, counts: Partial<Record<RecordOutcome, number>>): void {
    for (const [outcome, n] of Object.entries(counts)) {
      if (n) this.records.inc({ source, stream, outcome }, n);
    }
  }

  sourceRunFinished(source: string, status: string, durationSeconds: number, at: Date): void {
    this.runs.inc({ source, status });
    this.runDuration.observe({ source }, durationSeconds);
    if (status === 'succeeded') this.lastSuccess.set({ source }, at.getTime() / 1000);
  }

  upstreamRequest(source: string, status: string): void {
    this.httpRequests.inc({ source, status });
  }

  retry(source: string, reason: string): void {
    this.retries.inc({ source, reason });
  }

  rateLimitWaited(source: string, seconds: number): void {
    if (seconds > 0) this.rateLimitWait.inc({ source }, seconds);
  }

  driftDetected(source: string, kind: string): void {
    this.driftEvents.inc({ source, kind });
  }

  anomalyFlagged(rule: string): void {
    this.anomalies.inc({ rule });
  }

  apiRequest(method: string, route: string, status: number, seconds: number): void {
    this.apiDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** Current counter values, for the seed's JSON metrics endpoint. */
  async snapshot(): Promise<Record<string, Array<{ labels: Record<string, string | number>; value: number }>>> {
    const out: Record<string, Array<{ labels: Record<string, string | number>; value: number }>> = {};
    for (const metric of [this.records, this.runs, this.httpRequests, this.retries, this.rateLimitWait, this.driftEvents, this.anomalies, this.lastSuccess]) {
      const data = await metric.get();
      out[data.name] = data.values.map((v) => ({ labels: v.labels as Record<string, string | number>, value: v.value }));
    }
    return out;
  }
}
