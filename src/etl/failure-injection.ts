import { InjectedFailureError } from '../common/errors/domain-errors.js';

/**
 * Controlled failure injection for tests and demos (ETL_FAILURE_INJECTION), off unless set.
 * Syntax: comma-separated rules `<source>:after=<records>` (fail once the source has extracted more
 * than N records in a run, before committing the batch that crosses N) or `<source>:p=<0..1>`
 * (fail each batch with probability p). Example: `csv:after=500,coingecko:p=0.2`.
 */
export interface FailureRule {
  source: string;
  afterRecords?: number;
  probability?: number;
}

export function parseFailureInjection(spec: string | undefined): FailureRule[] {
  if (!spec) return [];
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([a-z0-9_-]+):(after|p)=([0-9.]+)$/i.exec(part);
      if (!m) throw new Error(`ETL_FAILURE_INJECTION: "${part}" is not <source>:after=<n> or <source>:p=<0..1>`);
      const value = Number(m[3]);
      if (m[2] === 'after') return { source: m[1], afterRecords: Math.floor(value) };
      if (!(value >= 0 && value <= 1)) {
        throw new Error(`ETL_FAILURE_INJECTION: probability in "${part}" must be between 0 and 1`);
      }
      return { source: m[1], probability: value };
    });
}

export class FailureInjector {
  constructor(
    private readonly rules: FailureRule[],
    private readonly random: () => number = Math.random,
  ) {}

  /** Throws InjectedFailureError when a rule fires for this batch. */
  check(source: string, extractedSoFar: number, batchSize: number): void {
    for (const rule of this.rules) {
      if (rule.source !== source) continue;
      if (rule.afterRecords !== undefined && extractedSoFar + batchSize > rule.afterRecords) {
        throw new InjectedFailureError(
          `injected failure: ${source} after ${rule.afterRecords} records (ETL_FAILURE_INJECTION)`,
        );
      }
      if (rule.probability !== undefined && this.random() < rule.probability) {
        throw new InjectedFailureError(
          `injected failure: ${source} with probability ${rule.probability} (ETL_FAILURE_INJECTION)`,
        );
      }
    }
  }
}
