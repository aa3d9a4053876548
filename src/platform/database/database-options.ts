import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ENTITIES } from './entities.js';

/** TypeORM options shared by the app, the migration CLI and the tests. Never synchronize. */
export function buildDataSourceOptions(
  url: string,
  overrides: Partial<{ poolSize: number; applicationName: string }> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: overrides.poolSize ?? 20,
      application_name: overrides.applicationName ?? 'kasparro-etl',
      connectionTimeoutMillis: 5000,
    },
  };
}
