import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { connectWithRetry } from './connect-with-retry.js';
import { buildDataSourceOptions } from './database-options.js';
import { EmbeddedPostgresServer } from './embedded-postgres.server.js';
import { runMigrationsLocked } from './migration-runner.js';

/** Where the service's database is: the URL it connects to and whether it is the embedded one. */
export abstract class DatabaseLocation {
  abstract readonly url: string;
  abstract readonly embedded: boolean;
}

/** Owns the embedded server (if any) so it is stopped after everything else has shut down. */
export class EmbeddedServerHolder implements OnApplicationShutdown {
  constructor(readonly server: EmbeddedPostgresServer | undefined) {}
  async onApplicationShutdown(): Promise<void> {
    await this.server?.stop();
  }
}

const logger = new Logger('Database');

/** host:port/db: never the user or password. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

@Global()
@Module({
  providers: [
    {
      provide: EmbeddedServerHolder,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new EmbeddedServerHolder(config.databaseUrl ? undefined : new EmbeddedPostgresServer(config.embeddedPg)),
    },
    {
      provide: DatabaseLocation,
      inject: [AppConfig, EmbeddedServerHolder],
      useFactory: async (config: AppConfig, holder: EmbeddedServerHolder): Promise<DatabaseLocation> => {
        if (config.databaseUrl) {
          logger.log({ database: describeUrl(config.databaseUrl) }, 'using PostgreSQL from DATABASE_URL');
          return { url: config.databaseUrl, embedded: false };
        }
        const url = await holder.server!.start();
        logger.log(
          { database: describeUrl(url), dataDir: holder.server!.dataDir },
          'DATABASE_URL unset: using the embedded PostgreSQL',
        );
        return { url, embedded: true };
      },
    },
  ],
  exports: [DatabaseLocation],
})
class DatabaseLocationModule {}

/**
 * TypeORM over pg, migrated at boot under an advisory lock. With DATABASE_URL unset, an embedded
 * PostgreSQL is started in EMBEDDED_PG_DIR and stopped on shutdown.
 */
@Global()
@Module({
  imports: [
    DatabaseLocationModule,
    TypeOrmModule.forRootAsync({
      inject: [DatabaseLocation, AppConfig],
      // Retries are ours (connectWithRetry: JSON lines, backoff, a time budget), not TypeORM's.
      useFactory: (location: DatabaseLocation, config: AppConfig) => ({
        ...buildDataSourceOptions(location.url),
        retryAttempts: 0,
        toRetry: () => false,
        connectTimeoutSeconds: config.databaseConnectTimeoutSeconds,
      }),
      dataSourceFactory: async (options) => {
        type WithTimeout = typeof options & { connectTimeoutSeconds: number };
        const { connectTimeoutSeconds, ...dataSourceOptions } = options as WithTimeout;
        const url = (dataSourceOptions as { url?: string }).url;
        const dataSource = await connectWithRetry({
          connect: () => new DataSource(dataSourceOptions as DataSourceOptions).initialize(),
          database: url ? describeUrl(url) : 'database',
          timeoutMs: connectTimeoutSeconds * 1000,
        });
        await runMigrationsLocked(dataSource);
        return dataSource;
      },
    }),
  ],
  exports: [DatabaseLocationModule],
})
export class DatabaseModule {}
