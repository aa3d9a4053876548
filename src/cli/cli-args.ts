import { parseArgs } from 'node:util';

export type CliCommand =
  | { command: 'run'; sources: string[]; json: boolean }
  | { command: 'status'; json: boolean }
  | { command: 'sources'; json: boolean }
  | { command: 'help' };

export const USAGE = `Usage: npm run etl -- <command> [options]

Commands:
  run [--source <id> ...]   run the ETL once (all enabled sources, or the given ones) and exit;
                            exit code 1 when a source failed or was rate limited
  status                    last run of each source
  sources                   installed source plugins, enabled or not, with their rate limits

Options:
  --source, -s <id>         a source to run (repeatable)
  --json                    machine-readable output (default when stdout is not a TTY)
  --help, -h                this help`;

/** Parses `etl` command lines; throws with a usage hint on anything unexpected. */
export function parseCliArgs(argv: string[], isTty: boolean): CliCommand {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      source: { type: 'string', short: 's', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { command: 'help' };
  const json = values.json ?? !isTty;
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new Error(`unexpected argument(s): ${rest.join(' ')}\n\n${USAGE}`);
  switch (command) {
    case 'run':
      return { command: 'run', sources: (values.source ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean), json };
    case 'status':
    case 'sources':
      if (values.source) throw new Error(`--source is only valid with "run"\n\n${USAGE}`);
      return { command, json };
    case undefined:
    case 'help':
      return { command: 'help' };
    default:
      throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}
