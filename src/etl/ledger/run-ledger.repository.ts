import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import type { StreamCursor } from '../extractor/extractor.interface.js';
import type { Waits } from '../http-client/waits.js';
import type { BatchCounts } from './batch-counts.js';

export type RunTrigger = 'schedule' | 'startup' | 'manual' | 'cli' | 'replay' | 'backfill';
export type RunStatus =
  'running' | 'succeeded' | 'partial' | 'failed' | 'rate_limited' | 'abandoned' | 'skipped' | 'cancelled';

/** A source run's ledger row as it is opened (`status` other than running: opened and closed at once). */
export interface NewSourceRun {
  runId: string;
  source: string;
  instanceId: string;
  status: RunStatus;
  cursorBefore: Record<string, StreamCursor> | null;
  errorMessage?: string | null;
}

export interface SourceRunOutcome {
  status: RunStatus;
  cursorAfter: Record<string, StreamCursor> | null;
  errorClass: string | null;
  errorMessage: string | null;
  schemaFingerprint: string | null;
  retries: number;
  /** Time spent waiting, by cause (rate limit, backoff, Retry-After). */
  waits: Waits;
}

/** Writes the run ledger: etl_runs (one per run) and etl_source_runs (one per source in it). */
@Injectable()
export class RunLedgerRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    /** Error messages are served unauthenticated by /runs: no configured secret is ever stored in one. */
    private readonly masker: SecretMasker,
  ) {}

  async createRun(trigger: RunTrigger, sources: string[], instanceId: string): Promise<string> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO etl_runs (trigger, status, sources, instance_id) VALUES ($1, 'running', $2::text[], $3) RETURNING id::text AS id`,
      [trigger, sources, instanceId],
    )) as Array<{ id: string }>;
    return row.id;
  }

  async createSourceRun({
    runId,
    source,
    instanceId,
    status,
    cursorBefore,
    errorMessage = null,
  }: NewSourceRun): Promise<string> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO etl_source_runs (run_id, source, status, instance_id, cursor_before, error_message, finished_at, duration_ms)
       VALUES ($1::bigint, $2, $3, $4, $5::jsonb, $6, CASE WHEN $3 = 'running' THEN NULL ELSE now() END, CASE WHEN $3 = 'running' THEN NULL ELSE 0 END)
       RETURNING id::text AS id`,
      [
        runId,
        source,
        status,
        instanceId,
        cursorBefore ? JSON.stringify(cursorBefore) : null,
        errorMessage && this.masker.mask(errorMessage),
      ],
    )) as Array<{ id: string }>;
    return row.id;
  }

  /** Inside the batch transaction, so the ledger's counts always match the committed data. */
  async addBatchCounts(manager: EntityManager, sourceRunId: string, c: BatchCounts): Promise<void> {
    await manager.query(
      `UPDATE etl_source_runs SET records_extracted = records_extracted + $2, records_inserted = records_inserted + $3,
              records_updated = records_updated + $4, records_unchanged = records_unchanged + $5,
              records_quarantined = records_quarantined + $6, records_duplicate = records_duplicate + $7,
              heartbeat_at = now()
        WHERE id = $1::bigint`,
      [sourceRunId, c.extracted, c.inserted, c.updated, c.unchanged, c.quarantined, c.duplicate],
    );
  }

  async finishSourceRun(sourceRunId: string, o: SourceRunOutcome): Promise<void> {
    await this.dataSource.query(
      `UPDATE etl_source_runs SET status = $2, finished_at = now(),
              duration_ms = (extract(epoch FROM (now() - started_at)) * 1000)::int,
              cursor_after = $3::jsonb, error_class = $4, error_message = $5, schema_fingerprint = $6,
              retries = $7, rate_limit_wait_ms = $8, backoff_wait_ms = $9, retry_after_wait_ms = $10
        WHERE id = $1::bigint`,
      [
        sourceRunId,
        o.status,
        o.cursorAfter ? JSON.stringify(o.cursorAfter) : null,
        o.errorClass,
        o.errorMessage && this.masker.mask(o.errorMessage),
        o.schemaFingerprint,
        o.retries,
        Math.round(o.waits.rateLimitWaitMs),
        Math.round(o.waits.backoffWaitMs),
        Math.round(o.waits.retryAfterWaitMs),
      ],
    );
  }

  async finishRun(runId: string, status: RunStatus): Promise<void> {
    await this.dataSource.query(
      `UPDATE etl_runs SET status = $2, finished_at = now(), duration_ms = (extract(epoch FROM (now() - started_at)) * 1000)::int
        WHERE id = $1::bigint`,
      [runId, status],
    );
  }

  /**
   * Marks as abandoned every `running` row of `source` — call only while holding the source's
   * advisory lock, which proves their owner is gone. Parent runs left with nothing running are
   * closed as abandoned too.
   */
  async abandonStaleSourceRuns(runner: QueryRunner, source: string): Promise<number> {
    const rows = (await runner.query(
      `UPDATE etl_source_runs SET status = 'abandoned', finished_at = now(),
              duration_ms = (extract(epoch FROM (heartbeat_at - started_at)) * 1000)::int,
              error_class = 'Abandoned', error_message = 'the process running this source stopped before it finished; the next run resumes from the last checkpoint'
        WHERE source = $1 AND status = 'running' RETURNING run_id::text AS run_id`,
      [source],
    )) as [Array<{ run_id: string }>, number] | Array<{ run_id: string }>;
    const list = Array.isArray(rows[0]) ? (rows[0] as Array<{ run_id: string }>) : (rows as Array<{ run_id: string }>);
    if (list.length > 0) {
      await runner.query(
        `UPDATE etl_runs r SET status = 'abandoned', finished_at = now(),
                duration_ms = (extract(epoch FROM (now() - r.started_at)) * 1000)::int
          WHERE r.id = ANY($1::bigint[]) AND r.status = 'running'
            AND NOT EXISTS (SELECT 1 FROM etl_source_runs s WHERE s.run_id = r.id AND s.status = 'running')`,
        [list.map((r) => r.run_id)],
      );
    }
    return list.length;
  }

  /** Sources with a `running` row (possibly stale: check with the advisory lock). */
  async sourcesMarkedRunning(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT source FROM etl_source_runs WHERE status = 'running'`,
    )) as Array<{ source: string }>;
    return rows.map((r) => r.source);
  }

  /**
   * Closes other processes' runs still marked running with no source run in progress: killed
   * between creating the run and starting its sources (a window of milliseconds, hence the age). A
   * live run wrongly caught here is corrected when it finishes (finishRun sets the final status).
   */
  async closeOrphanedRuns(ownInstanceId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE etl_runs r SET status = 'abandoned', finished_at = now(), duration_ms = (extract(epoch FROM (now() - r.started_at)) * 1000)::int
        WHERE r.status = 'running' AND r.instance_id <> $1 AND r.started_at < now() - interval '2 seconds'
          AND NOT EXISTS (SELECT 1 FROM etl_source_runs s WHERE s.run_id = r.id AND s.status = 'running')`,
      [ownInstanceId],
    );
  }
}
