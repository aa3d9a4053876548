import type { PartitionMaintenance } from '../../catalog/partitions/partition-maintenance.service.js';
import type { CliCommand } from './cli-args.js';

/** `etl compact`: the hourly partition maintenance, now; the partitions it compacted on stdout. */
export async function compactCommand(
  maintenance: PartitionMaintenance,
  command: Extract<CliCommand, { command: 'compact' }>,
): Promise<number> {
  const started = Date.now();
  const now = new Date();
  await maintenance.maintain(now);
  const compacted = await maintenance.compactClosed(now);
  const seconds = (Date.now() - started) / 1000;
  if (command.json) {
    process.stdout.write(`${JSON.stringify({ msg: 'partitions compacted', compacted, seconds })}\n`);
  } else {
    process.stdout.write(
      compacted.length === 0
        ? 'nothing to compact\n'
        : `compacted in ${seconds.toFixed(1)} s:\n${compacted.map((p) => `  ${p}\n`).join('')}`,
    );
  }
  return 0;
}
