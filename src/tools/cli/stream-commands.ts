import type { BackfillService } from '../../etl/backfill/backfill.service.js';
import { isOperationRefusal } from '../../etl/operations/operation-errors.js';
import type { QuarantineReplayService } from '../../etl/operations/quarantine-replay.service.js';
import type { StreamOperationsService } from '../../etl/operations/stream-operations.service.js';
import type { CliCommand } from './cli-args.js';

type Command<K extends CliCommand['command']> = Extract<CliCommand, { command: K }>;

/**
 * The stream operations of the admin API, for operators at a shell: same service, same rules, same
 * messages. A refused operation (busy source, unknown id, finished run) prints why and exits 1.
 */
export async function resetCommand(operations: StreamOperationsService, command: Command<'reset'>): Promise<number> {
  return refusedAsExit1(command.json, async () => {
    const result = await operations.reset(command.source, command.streams);
    print(
      command.json,
      { msg: 'streams reset', ...result },
      `${result.source}: reset ${result.streams_reset.join(', ')}; the next run re-reads them`,
    );
    return 0;
  });
}

export async function cancelCommand(operations: StreamOperationsService, command: Command<'cancel'>): Promise<number> {
  return refusedAsExit1(command.json, async () => {
    const result = await operations.cancel(command.runId);
    print(
      command.json,
      { msg: 'run cancelling', ...result },
      `run ${result.run_id}: cancelling (it stops at its next batch boundary)`,
    );
    return 0;
  });
}

/** Waits for the replay to end: the CLI process is the one executing it. */
export async function replayCommand(replays: QuarantineReplayService, command: Command<'replay'>): Promise<number> {
  return refusedAsExit1(command.json, async () => {
    const handle = await replays.start({ source: command.source });
    const status = await handle.done;
    print(
      command.json,
      { msg: 'replay finished', run_id: handle.run_id, replayed: handle.replayed, status },
      `replay run ${handle.run_id}: ${status} (${handle.replayed} entries replayed)`,
    );
    return status === 'succeeded' ? 0 : 1;
  });
}

/** Runs the backfill in this process (after any interrupted one of the source) and waits for its end. */
export async function backfillCommand(backfills: BackfillService, command: Command<'backfill'>): Promise<number> {
  return refusedAsExit1(command.json, async () => {
    const { backfillId } = await backfills.create({
      source: command.source,
      assets: command.assets,
      from: command.from,
      to: command.to,
    });
    const b = await backfills.waitFor(backfillId);
    const r = b.records;
    print(
      command.json,
      { msg: 'backfill finished', backfill_id: b.id, status: b.status, records: r, error: b.errorMessage },
      `backfill ${b.id}: ${b.status}; extracted ${r.extracted}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, quarantined ${r.quarantined}${b.errorMessage ? `\n  ${b.errorMessage}` : ''}`,
    );
    return b.status === 'succeeded' ? 0 : 1;
  });
}

async function refusedAsExit1(json: boolean, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (!isOperationRefusal(err)) throw err;
    if (json) process.stdout.write(`${JSON.stringify({ msg: 'refused', error: err.name, message: err.message })}\n`);
    else process.stderr.write(`${err.message}\n`);
    return 1;
  }
}

function print(json: boolean, body: Record<string, unknown>, line: string): void {
  process.stdout.write(json ? `${JSON.stringify(body)}\n` : `${line}\n`);
}
