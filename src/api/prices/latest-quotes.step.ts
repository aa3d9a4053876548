import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LatestQuotesWriter } from '../../catalog/latest-quotes.repository.js';
import type { QuoteWriteStep, WrittenQuotes } from '../../etl/load/quote-write-steps.js';

/** Keeps latest_quotes in the batch's transaction: one set-based upsert per batch, never moving back in time. */
@Injectable()
export class LatestQuotesStep implements QuoteWriteStep {
  readonly name = 'latest-quotes';

  constructor(private readonly writer: LatestQuotesWriter) {}

  async afterQuotesWritten(manager: EntityManager, written: WrittenQuotes): Promise<void> {
    await this.writer.upsertWritten(manager, written.source, written.quotes);
  }
}
