import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { boundedTotal } from '../../src/common/sql/list-total.js';
import { WhereBuilder } from '../../src/common/sql/where-builder.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe(boundedTotal.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    dataSource = await new DataSource(buildDataSourceOptions(db.url)).initialize();
    await dataSource.query(`CREATE TABLE t (id bigint PRIMARY KEY, kind text NOT NULL)`);
    await dataSource.query(
      `INSERT INTO t SELECT g, CASE WHEN g <= 3 THEN 'rare' ELSE 'common' END FROM generate_series(1, 5000) g`,
    );
    await dataSource.query(`ANALYZE t`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should count exactly up to the limit', async () => {
    expect(
      await boundedTotal(dataSource, { from: 't', where: new WhereBuilder().add('kind = ?', 'rare'), limit: 100 }),
    ).toEqual({
      total: 3,
      estimate: false,
    });
    expect(
      await boundedTotal(dataSource, { from: 't', where: new WhereBuilder().add('id <= ?', 100), limit: 100 }),
    ).toEqual({
      total: 100,
      estimate: false,
    });
  });

  it("should serve the planner's estimate, labelled, past the limit (never less than the limit + 1)", async () => {
    const common = await boundedTotal(dataSource, {
      from: 't',
      where: new WhereBuilder().add('kind = ?', 'common'),
      limit: 100,
    });
    expect(common.estimate).toBe(true);
    // ANALYZE read every row of this small table: the estimate is the true count.
    expect(common.total).toBe(4997);

    const justOver = await boundedTotal(dataSource, {
      from: 't',
      where: new WhereBuilder().add('id <= ?', 101),
      limit: 100,
    });
    expect(justOver.estimate).toBe(true);
    expect(justOver.total).toBeGreaterThanOrEqual(101);
  });
});
