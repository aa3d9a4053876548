import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { evaluateSourceRun, staleSource, type Anomaly } from './anomaly-rules.js';
import { RunsRepository } from './runs.repository.js';

/** Applies the anomaly rules to a run: per-source history rules, price divergence, stale sources. */
@Injectable()
export class AnomalyService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async anomaliesOf(runId: string): Promise<Anomaly[]> {
    const run = await this.runs.findRun(runId);
    if (!run) return [];
    const sourceRuns = await this.runs.findSourceRuns(runId);
    const out: Anomaly[] = [];
    for (const s of sourceRuns) {
      if (s.status === 'running') continue;
      const history = await this.runs.history(s.source, s.id);
      out.push(
        ...evaluateSourceRun(
          s.source,
          { status: s.status, extracted: s.records_extracted, durationMs: s.duration_ms },
          history,
        ),
      );
    }
    const lastSuccess = await this.runs.lastSuccess(run.sources);
    const now = run.finished_at ?? new Date();
    for (const source of run.sources) {
      const stale = staleSource({
        source,
        lastSuccessAt: lastSuccess.get(source) ?? null,
        now: new Date(now),
        budgetSeconds: this.config.etl.freshnessBudgetSeconds,
      });
      if (stale) out.push(stale);
    }
    for (const d of await this.runs.divergentAssets(
      this.config.etl.priceDivergencePct,
      this.config.etl.freshnessBudgetSeconds,
    )) {
      out.push({
        rule: 'price_divergence',
        source: null,
        message: `${d.symbol}: sources disagree by ${d.spread_pct.toFixed(2)}% (threshold ${this.config.etl.priceDivergencePct}%)`,
        details: d,
      });
    }
    return out;
  }

  /**
   * Called once at the end of every run: stores the anomalies by rule and the consensus summary in the
   * run's ledger row, where every replica's /metrics reads them (etl_anomalies_total and friends).
   */
  async evaluateRun(runId: string): Promise<Anomaly[]> {
    const anomalies = await this.anomaliesOf(runId);
    const byRule: Record<string, number> = {};
    for (const a of anomalies) byRule[a.rule] = (byRule[a.rule] ?? 0) + 1;
    const { priceDivergencePct, freshnessBudgetSeconds } = this.config.etl;
    const consensus = await this.runs.consensusSummary(priceDivergencePct, freshnessBudgetSeconds);
    await this.runs.recordEvaluation(runId, { anomalies: byRule, ...consensus });
    this.metrics.ledgerChanged();
    return anomalies;
  }
}
