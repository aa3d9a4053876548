import type { RollupRebuildService } from '../../etl/rollups/rollup-rebuild.service.js';
import type { CliCommand } from './cli-args.js';

/** `etl rollups --rebuild [--from --to]`: the result on stdout (one JSON line with --json), exit 0. */
export async function rollupsCommand(
  rebuilds: RollupRebuildService,
  command: Extract<CliCommand, { command: 'rollups' }>,
): Promise<number> {
  const result = await rebuilds.rebuild({ from: command.from, to: command.to });
  if (command.json) {
    process.stdout.write(`${JSON.stringify({ msg: 'rollups rebuilt', ...result })}\n`);
  } else if (result.from === null) {
    process.stdout.write('no quotes: nothing to rebuild\n');
  } else {
    process.stdout.write(
      `rollups rebuilt for [${result.from}, ${result.to}): ${result.chunks} day(s), ` +
        `${result.hours_written} hour and ${result.days_written} day bucket(s) written\n`,
    );
  }
  return 0;
}
