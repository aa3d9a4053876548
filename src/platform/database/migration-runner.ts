import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** Advisory lock id for migrations: any constant shared by every replica of this service. */
export const MIGRATION_LOCK_ID = 7_240_001;
const MIN_SERVER_VERSION = 130000;

/**
 * Runs pending migrations under a PostgreSQL advisory lock so that replicas booting together never
 * migrate at once: the second waits, then finds nothing pending.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  logger: Pick<Logger, 'log'> = new Logger('Migrations'),
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ server_version_num: version }] = (await runner.query('SHOW server_version_num')) as Array<{
      server_version_num: string;
    }>;
    if (Number(version) < MIN_SERVER_VERSION) {
      throw new Error(`PostgreSQL ${version} is too old: version 13 or newer is required`);
    }
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) logger.log({ applied: applied.map((m) => m.name) }, 'migrations applied');
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
