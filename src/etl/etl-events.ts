import type { BatchCounts } from './ledger/batch-counts.js';
import type { RunStatus, RunTrigger } from './ledger/run-ledger.repository.js';

/** Progress of runs, for the CLI's progress display and tests. */
export type EtlEvent =
  | { type: 'run_started'; runId: string; trigger: RunTrigger; sources: string[] }
  | { type: 'source_started'; runId: string; source: string }
  | {
      type: 'batch_committed';
      runId: string;
      source: string;
      stream: string;
      counts: BatchCounts;
      totals: BatchCounts;
      retries: number;
      elapsedMs: number;
    }
  | {
      type: 'source_finished';
      runId: string;
      source: string;
      status: RunStatus;
      totals: BatchCounts;
      durationMs: number;
      error: string | null;
    }
  | { type: 'run_finished'; runId: string; status: RunStatus; sources: Record<string, RunStatus> };
