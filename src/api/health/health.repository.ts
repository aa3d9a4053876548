import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { lastFinishedAtSql, lastSourceRunSql } from '../../common/sql/last-source-run.js';

export interface LastRunRow {
  source: string;
  status: string | null;
  finished_at: Date | null;
  last_success_at: Date | null;
}

/** What the health indicators read from the database. */
@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One round trip. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** True when a migration is not applied yet. */
  hasPendingMigrations(): Promise<boolean> {
    return this.dataSource.showMigrations();
  }

  /** The last run of each source: its status, when a run last finished and when one last succeeded. */
  async lastRuns(sources: readonly string[]): Promise<LastRunRow[]> {
    return (await this.dataSource.query(
      `SELECT s.source,
              (${lastSourceRunSql('s.source', 'r.status')}) AS status,
              ${lastFinishedAtSql('s.source')} AS finished_at,
              ${lastFinishedAtSql('s.source', ['succeeded'])} AS last_success_at
         FROM unnest($1::text[]) AS s(source)`,
      [sources],
    )) as LastRunRow[];
  }
}
