import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { namedStatement, preparedQuery } from '../../src/platform/database/prepared-statement.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Hot API reads run as named statements on the pool (src/platform/database/prepared-statement.ts). */
describe('preparedQuery', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    ds = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 1 })).initialize();
    await ds.query(`CREATE TABLE prices_t (id int PRIMARY KEY, price numeric NOT NULL)`);
    await ds.query(`INSERT INTO prices_t VALUES (1, 1.5), (2, 2.25)`);
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('should name a statement after its text, so one text is one statement and two texts are two', () => {
    expect(namedStatement('SELECT 1').name).toBe(namedStatement('SELECT 1', [1]).name);
    expect(namedStatement('SELECT 1').name).not.toBe(namedStatement('SELECT 2').name);
  });

  it('should prepare the text once per connection and answer each call with its own values', async () => {
    const sql = `SELECT id, price::text AS price FROM prices_t WHERE id = $1`;
    expect(await preparedQuery(ds, sql, [1])).toEqual([{ id: 1, price: '1.5' }]);
    expect(await preparedQuery(ds, sql, [2])).toEqual([{ id: 2, price: '2.25' }]);
    // The pool has one connection: both calls ran on it, through one server-side prepared statement.
    const statements = await preparedQuery<{ calls: string }>(
      ds,
      `SELECT count(*)::text AS calls FROM pg_prepared_statements WHERE statement = $1`,
      [sql],
    );
    expect(statements).toEqual([{ calls: '1' }]);
  });

  it('should answer with the same SQL unnamed when a migration changed the result type under a prepared plan', async () => {
    const sql = `SELECT * FROM prices_t WHERE id = $1`;
    expect(await preparedQuery(ds, sql, [1])).toEqual([{ id: 1, price: '1.5' }]);
    await ds.query(`ALTER TABLE prices_t ADD COLUMN source text NOT NULL DEFAULT 'csv'`);
    expect(await preparedQuery(ds, sql, [1])).toEqual([{ id: 1, price: '1.5', source: 'csv' }]);
    // Later calls prepare the text under a fresh name instead of failing over again.
    expect(await preparedQuery(ds, sql, [2])).toEqual([{ id: 2, price: '2.25', source: 'csv' }]);
  });

  it('should pass any other database error through unchanged', async () => {
    await expect(preparedQuery(ds, `SELECT * FROM no_such_table WHERE id = $1`, [1])).rejects.toMatchObject({
      code: '42P01',
    });
  });
});
