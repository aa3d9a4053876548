import { writeBootLog } from '../logging/boot-log.js';

export interface ConnectRetryOptions<T> {
  connect: () => Promise<T>;
  /** Where the database is, without credentials (host:port/db), for the log lines. */
  database: string;
  /** Total time to keep trying; 0 = one attempt. */
  timeoutMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Connects at boot, retrying an unreachable database with exponential backoff until `timeoutMs`.
 * Each failure is one JSON line naming the host (never the password) and the next delay; the last
 * one says boot gives up, and the error is rethrown.
 */
export async function connectWithRetry<T>(o: ConnectRetryOptions<T>): Promise<T> {
  const started = Date.now();
  let delay = o.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await o.connect();
      if (attempt > 1) {
        writeBootLog({
          level: 'info',
          context: 'Database',
          msg: 'database reachable',
          fields: { database: o.database, attempt },
        });
      }
      return result;
    } catch (err) {
      const error = describe(err);
      const left = o.timeoutMs - (Date.now() - started);
      if (left <= 0) {
        writeBootLog({
          level: 'error',
          context: 'Database',
          msg: 'database unreachable: giving up (DATABASE_CONNECT_TIMEOUT_SECONDS)',
          fields: { database: o.database, attempt, error },
        });
        throw err;
      }
      const wait = Math.min(delay, left, o.maxDelayMs ?? 15_000);
      writeBootLog({
        level: 'warn',
        context: 'Database',
        msg: 'database unreachable: retrying',
        fields: { database: o.database, attempt, retryInMs: wait, error },
      });
      await new Promise((r) => setTimeout(r, wait));
      delay *= 2;
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(describe).join('; ');
  if (err instanceof Error) return `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}`;
  return String(err);
}
