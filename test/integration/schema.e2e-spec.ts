import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { runMigrationsLocked } from '../../src/platform/database/migration-runner.js';
import { createTestDatabase, quiet, type TestDatabase } from '../support/database.js';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    dataSource = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should build exactly the schema the entities describe (nothing left to generate)', async () => {
    const applied = await runMigrationsLocked(dataSource, quiet);

    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(applied.length).toBeGreaterThan(0);
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('should be idempotent: a second run applies nothing', async () => {
    expect(await runMigrationsLocked(dataSource, quiet)).toEqual([]);
  });

  it('should let two replicas migrate at once without conflict (advisory lock)', async () => {
    const other = await createTestDatabase({ migrated: false });
    const a = await new DataSource(buildDataSourceOptions(other.url)).initialize();
    const b = await new DataSource(buildDataSourceOptions(other.url)).initialize();
    try {
      const [ra, rb] = await Promise.all([runMigrationsLocked(a, quiet), runMigrationsLocked(b, quiet)]);

      expect([...ra, ...rb].sort()).toEqual(dataSource.migrations.map((m) => m.name).sort());
    } finally {
      await a.destroy();
      await b.destroy();
      await other.drop();
    }
  });

  it('should revert every migration with its down() and leave no table behind', async () => {
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();

    const tables = (await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
    )) as Array<{ table_name: string }>;
    expect(tables).toEqual([]);
  });
});
