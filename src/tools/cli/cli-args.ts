import { parseArgs } from 'node:util';

export type CliCommand =
  | { command: 'run'; sources: string[]; json: boolean }
  | { command: 'status'; json: boolean }
  | { command: 'sources'; json: boolean }
  | { command: 'reset'; source: string; streams: string[]; json: boolean }
  | { command: 'replay'; source: string; json: boolean }
  | { command: 'cancel'; runId: string; json: boolean }
  | { command: 'backfill'; source: string; assets: string[]; from: string; to: string; json: boolean }
  | { command: 'recount'; source?: string; json: boolean }
  | { command: 'rollups'; rebuild: true; from?: Date; to?: Date; json: boolean }
  | { command: 'compact'; json: boolean }
  | { command: 'help' };

export const USAGE = `Usage: npm run etl -- <command> [options]

Commands:
  run [--source <id> ...]   run the ETL once (all enabled sources, or the given ones) and exit;
                            exit code 1 when a source failed or was rate limited
  status                    last run of each source
  sources                   installed source plugins, enabled or not, with their rate limits
  reset --source <id> [--stream <name> ...]
                            clear the checkpoints of a source's streams (default: all of them): the
                            next run re-reads everything; data is kept. Refused while the source runs
  replay --source <id>      replay the source's open quarantine entries through today's rules and
                            mappers and wait for the end; rows that pass are loaded and resolved
  cancel <run-id>           ask a running run (in any process) to stop at its next batch boundary
  backfill --source <id> --asset <id> ... --from <iso> --to <iso>
                            load [from, to) of history for the assets (sources with history only),
                            without moving the incremental cursor; waits for the end. Interrupted
                            backfills are resumed first, at their next chunk
  recount [--source <id>]   recompute the per-source row counters (/stats, list totals) from the
                            tables: after a bulk delete, or once old replicas stopped in a rolling
                            upgrade. Counts the tables (O(rows)); safe while ingestion runs
                            (batches reaching their commit wait for it)
  rollups --rebuild [--from <iso>] [--to <iso>]
                            recompute the 1h / 1d quote rollups from market_quotes, one UTC day per
                            transaction (default: every day with quotes); idempotent. Buckets whose
                            raw quotes retention dropped are kept
  compact                   partition maintenance now, as the hourly pass does it: partitions ahead,
                            retention, then every partition closed for a day compacted (raw payloads
                            into compressed chunks, indexes rebuilt packed); safe while ingestion runs

Options:
  --source, -s <id>         a source to run (repeatable), or the source of reset / replay / recount
  --stream <name>           a stream to reset (repeatable)
  --asset <id>              an asset to backfill, as the source names it (repeatable)
  --from, --to <iso>        the backfill's or rebuild's range: from inclusive, to exclusive (ISO 8601)
  --rebuild                 with "rollups": rebuild them
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
      stream: { type: 'string', multiple: true },
      asset: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      rebuild: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { command: 'help' };
  const json = values.json ?? !isTty;
  const [command, ...rest] = positionals;
  if (command === 'cancel') return { command, runId: cancelTarget(rest), json };
  if (rest.length > 0) throw new Error(`unexpected argument(s): ${rest.join(' ')}\n\n${USAGE}`);
  if (values.stream && command !== 'reset') throw new Error(`--stream is only valid with "reset"\n\n${USAGE}`);
  if (values.asset && command !== 'backfill') throw new Error(`--asset is only valid with "backfill"\n\n${USAGE}`);
  if ((values.from || values.to) && command !== 'backfill' && command !== 'rollups') {
    throw new Error(`--from and --to are only valid with "backfill" and "rollups"\n\n${USAGE}`);
  }
  if (values.rebuild && command !== 'rollups') throw new Error(`--rebuild is only valid with "rollups"\n\n${USAGE}`);
  switch (command) {
    case 'rollups': {
      if (!values.rebuild) throw new Error(`"rollups" needs --rebuild\n\n${USAGE}`);
      if (values.source) throw new Error(`--source is not valid with "rollups"\n\n${USAGE}`);
      const from = instant('--from', values.from);
      const to = instant('--to', values.to);
      if (from && to && from.getTime() >= to.getTime()) throw new Error(`--from must be before --to\n\n${USAGE}`);
      return { command, rebuild: true, from, to, json };
    }
    case 'backfill': {
      const assets = list(values.asset);
      if (assets.length === 0 || !values.from || !values.to) {
        throw new Error(`"backfill" needs --asset, --from and --to\n\n${USAGE}`);
      }
      return { command, source: oneSource(command, values.source), assets, from: values.from, to: values.to, json };
    }
    case 'reset':
      return { command, source: oneSource(command, values.source), streams: list(values.stream), json };
    case 'replay':
      return { command, source: oneSource(command, values.source), json };
    case 'run':
      return { command: 'run', sources: list(values.source), json };
    case 'recount': {
      const sources = list(values.source);
      if (sources.length > 1) throw new Error(`"recount" takes at most one --source <id>\n\n${USAGE}`);
      return { command, source: sources[0], json };
    }
    case 'status':
    case 'sources':
    case 'compact':
      if (values.source) {
        throw new Error(`--source is only valid with "run", "reset", "replay", "backfill" and "recount"\n\n${USAGE}`);
      }
      return { command, json };
    case undefined:
    case 'help':
      return { command: 'help' };
    default:
      throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function instant(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at)) {
    throw new Error(`${flag} must be an ISO 8601 date-time such as 2025-05-01T00:00:00Z, got "${value}"\n\n${USAGE}`);
  }
  return new Date(at);
}

function list(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

function oneSource(command: string, values: string[] | undefined): string {
  const sources = list(values);
  if (sources.length !== 1) throw new Error(`"${command}" needs exactly one --source <id>\n\n${USAGE}`);
  return sources[0];
}

function cancelTarget(rest: string[]): string {
  if (rest.length !== 1 || !/^[1-9][0-9]{0,17}$/.test(rest[0])) {
    throw new Error(`"cancel" needs one run id, e.g. "cancel 42"\n\n${USAGE}`);
  }
  return rest[0];
}
