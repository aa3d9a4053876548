import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WriteCounts } from '../load/market-quotes.repository.js';
import { RawRecordRepository } from '../raw/raw-record.repository.js';
import { ZERO_WRITES } from './batch-rows.js';
import type { RowsWrite } from './batch.types.js';
import { NewsRowsWriter } from './news-rows-writer.service.js';
import { QuoteRowsWriter } from './quote-rows-writer.service.js';

/**
 * Writes a batch's rows in the caller's transaction: raw payloads, then quotes (QuoteRowsWriter) or
 * news items (NewsRowsWriter).
 */
@Injectable()
export class BatchRowWriter {
  constructor(
    private readonly raw: RawRecordRepository,
    private readonly quotes: QuoteRowsWriter,
    private readonly news: NewsRowsWriter,
  ) {}

  /** Raw payloads then canonical rows (quotes or news). */
  async writeRows(manager: EntityManager, write: RowsWrite): Promise<WriteCounts> {
    const { rows, options } = write;
    await this.raw.upsertRaw(manager, rows.raw, options.copyFirst?.raw);
    let written: WriteCounts = ZERO_WRITES;
    if (rows.quotes.length > 0) written = await this.quotes.writeQuotes(manager, write);
    if (rows.news.length > 0) written = await this.news.writeNews(manager, write);
    return written;
  }
}
