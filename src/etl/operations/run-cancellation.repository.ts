import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Cancel requests live in the ledger (etl_runs.cancel_requested_at) so any process can make one. */
@Injectable()
export class RunCancellationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Marks a running run; returns false when the run is not running (or does not exist). */
  async requestCancel(runId: string): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `WITH marked AS (UPDATE etl_runs SET cancel_requested_at = coalesce(cancel_requested_at, now())
                        WHERE id = $1::bigint AND status = 'running' RETURNING id)
       SELECT count(*)::bigint AS n FROM marked`,
      [runId],
    )) as Array<{ n: string }>;
    return Number(row.n) > 0;
  }

  async findRunStatus(runId: string): Promise<string | undefined> {
    const [row] = (await this.dataSource.query(`SELECT status FROM etl_runs WHERE id = $1::bigint`, [runId])) as Array<{
      status: string;
    }>;
    return row?.status;
  }

  /** One primary-key read per batch: cheap enough for every batch boundary. */
  async isCancelRequested(runId: string): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `SELECT cancel_requested_at IS NOT NULL AS requested FROM etl_runs WHERE id = $1::bigint`,
      [runId],
    )) as Array<{ requested: boolean }>;
    return row?.requested ?? false;
  }
}
