import pg from 'pg';

/** Drops this run's test databases (on a shared server) and stops the embedded server if we started one. */
export default async function globalTeardown() {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (adminUrl && !globalThis.__EMBEDDED_PG__) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `kt_%${process.env.TEST_RUN_ID}%`,
    ]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
    await client.end();
  }
  await globalThis.__EMBEDDED_PG__?.stop();
}
