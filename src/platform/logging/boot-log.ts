import { writeSync } from 'node:fs';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { logDestinationFd } from './logger.options.js';

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

export interface BootLogLine {
  level: keyof typeof LEVELS;
  /** The boot step, as a logger context (`Database`, `Bootstrap`). */
  context: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/**
 * One pino-shaped JSON line, written at once. For boot steps that run before the app's logger exists
 * (Nest buffers its logs until then, so an operator would see nothing while the database is retried).
 * Masked like every other sink.
 */
export function writeBootLog({ level, context, msg, fields = {} }: BootLogLine): void {
  const line = JSON.stringify({
    level: LEVELS[level],
    time: Date.now(),
    service: 'kasparro-etl',
    context,
    ...fields,
    msg,
  });
  writeSync(logDestinationFd(), `${SecretMasker.fromEnvironment(process.env).mask(line)}\n`);
}
