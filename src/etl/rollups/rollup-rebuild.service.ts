import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QuoteRollupsRepository } from '../../catalog/quote-rollups.repository.js';

const DAY_MS = 86_400_000;

export interface RebuildRange {
  /** Inclusive; rounded down to its UTC midnight. Default: the first raw quote's day. */
  from?: Date;
  /** Exclusive; rounded up to a UTC midnight. Default: the day after the last raw quote. */
  to?: Date;
}

export interface RebuildResult {
  /** The rebuilt range, whole UTC days (ISO-8601); null when there are no quotes. */
  from: string | null;
  to: string | null;
  /** Day chunks processed (one transaction each). */
  chunks: number;
  /** Hour and day buckets written (recomputed and changed, or new). */
  hours_written: number;
  days_written: number;
}

/**
 * `etl rollups --rebuild`: recomputes quote_rollups from market_quotes one UTC day at a time (one
 * transaction and two set-based statements per day, so memory and lock time stay bounded at any
 * history size). Idempotent: running it twice, or after the incremental step, writes nothing new.
 */
@Injectable()
export class RollupRebuildService {
  private readonly logger = new Logger(RollupRebuildService.name);

  constructor(
    private readonly rollups: QuoteRollupsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async rebuild(range: RebuildRange = {}): Promise<RebuildResult> {
    const span = range.from && range.to ? null : await this.dataSource.transaction((m) => this.rollups.rawSpan(m));
    const from = range.from ?? span?.from;
    const to = range.to ?? (span ? new Date(span.to.getTime() + 1) : undefined);
    const result: RebuildResult = { from: null, to: null, chunks: 0, hours_written: 0, days_written: 0 };
    if (!from || !to) return result;
    const start = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
    const end = Math.ceil(to.getTime() / DAY_MS) * DAY_MS;
    result.from = new Date(start).toISOString();
    result.to = new Date(end).toISOString();
    for (let day = start; day < end; day += DAY_MS) {
      const written = await this.dataSource.transaction(async (m) => {
        await this.rollups.lockQuotesAgainstWriters(m);
        return this.rollups.rebuildRange(m, { from: new Date(day), to: new Date(day + DAY_MS) });
      });
      result.chunks++;
      result.hours_written += written.hours;
      result.days_written += written.days;
    }
    this.logger.log(result, 'quote rollups rebuilt');
    return result;
  }
}
