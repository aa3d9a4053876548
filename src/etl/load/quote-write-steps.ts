import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

// The quote shape lives with the catalog's latest-quote state (etl/ may import catalog/, not the reverse).
import type { StoredQuote } from '../../catalog/latest-quotes.repository.js';

/** One quote of a committed batch, as stored (after per-asset-and-instant de-duplication). */
export type WrittenQuote = StoredQuote;

/** The quotes one batch wrote (inserted, updated or found unchanged) for one source. */
export interface WrittenQuotes {
  runId: string;
  source: string;
  quotes: readonly WrittenQuote[];
}

/**
 * Derived state kept in the batch's own transaction (latest prices, rollups, change notifications):
 * it commits or rolls back with the quotes it derives from. A step must be idempotent (a batch that
 * re-reads unchanged quotes calls it again) and set-based (one or two statements per batch).
 */
export interface QuoteWriteStep {
  readonly name: string;
  afterQuotesWritten(manager: EntityManager, written: WrittenQuotes): Promise<void>;
}

/**
 * The steps run after a batch's quotes are written, in registration order. Modules that maintain
 * derived state register their step at init (`onModuleInit`), so the engine knows none of them.
 */
@Injectable()
export class QuoteWriteSteps {
  private readonly logger = new Logger(QuoteWriteSteps.name);
  private readonly steps: QuoteWriteStep[] = [];

  register(step: QuoteWriteStep): void {
    if (this.steps.some((s) => s.name === step.name)) {
      throw new Error(`quote write step "${step.name}" registered twice`);
    }
    this.steps.push(step);
    this.logger.debug({ step: step.name }, 'quote write step registered');
  }

  get names(): string[] {
    return this.steps.map((s) => s.name);
  }

  async run(manager: EntityManager, written: WrittenQuotes): Promise<void> {
    if (written.quotes.length === 0) return;
    for (const step of this.steps) await step.afterQuotesWritten(manager, written);
  }
}
