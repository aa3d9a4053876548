import { cronExpressionProblem } from './cron-expression.js';
import { InvalidEnvironmentError } from './validate-env.js';

/**
 * The variable that overrides ETL_CRON for one source: its id upper-cased, every character other
 * than A-Z and 0-9 turned into `_`, then `_CRON` (`coingecko` → `COINGECKO_CRON`, `my-feed.v2` →
 * `MY_FEED_V2_CRON`). Source ids come from the plugins, so the names are derived, not listed.
 */
export function sourceCronVariable(sourceId: string): string {
  return `${sourceId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CRON`;
}

/**
 * The per-source schedules set for `sourceIds`, validated like ETL_CRON: any bad one fails boot
 * naming its variable. Sources without a variable (or with an empty one) follow ETL_CRON.
 */
export function readSourceCrons(
  sourceIds: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const crons: Record<string, string> = {};
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const id of sourceIds) {
    const name = sourceCronVariable(id);
    const other = owners.get(name);
    if (other !== undefined && other !== id) {
      problems.push(`${name}: sources "${other}" and "${id}" map to the same variable`);
    }
    owners.set(name, id);
    const value = env[name]?.trim();
    if (!value) continue;
    const problem = cronExpressionProblem(value);
    if (problem) problems.push(`${name}=${JSON.stringify(value)}: ${name} ${problem}`);
    else crons[id] = value;
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return crons;
}
