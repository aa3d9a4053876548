import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The environment tests boot the app with: `.env.example` (what the README promises a fresh clone
 * gets), made deterministic (no scheduler, no run at start, quiet logs), plus the test's overrides.
 */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const example = parseEnv(readFileSync(path.join(__dirname, '../../.env.example'), 'utf8')) as Record<string, string>;
  return {
    ...example,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ETL_SCHEDULER_ENABLED: 'false',
    ETL_RUN_ON_START: 'false',
    ...overrides,
  };
}
