import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';

const CLI = path.join(__dirname, '../../dist/src/tools/cli/etl-cli.js');

/** `etl compact`, the hourly partition maintenance run by an operator (or the growth benchmark) now. */
describe('etl compact (CLI)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  const cli = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = {
        PATH: process.env.PATH,
        ...testEnv({ DATABASE_URL: db.url, ETL_SOURCES: '', LOG_LEVEL: 'warn' }),
      } as NodeJS.ProcessEnv;
      const child = spawn(process.execPath, [CLI, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('should compact a closed month of raw payloads into chunks, keep every payload readable, and then find nothing left', async () => {
    // Rows of a month long closed land in the DEFAULT partition; the pass gives them their own partition first.
    await queryRows(
      db.url,
      `INSERT INTO raw_records (source, stream, natural_key, observed_at, payload, payload_hash, fetched_at, run_id)
      SELECT 'csv', 'quotes', 'old.csv#' || i, timestamptz '2025-03-01' + i * interval '1 hour',
             jsonb_build_object('symbol', 'C' || i, 'price', '0.000000012345678901234567' || i), 'h' || i, timestamptz '2025-04-02', 1
        FROM generate_series(1, 300) i`,
    );
    const before = await queryRows(db.url, `SELECT natural_key, payload::text FROM raw_payloads ORDER BY natural_key`);

    const first = await cli(['compact', '--json']);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.status).toBe(0);
    const result = JSON.parse(first.stdout) as { msg: string; compacted: string[]; seconds: number };
    expect(result.msg).toBe('partitions compacted');
    expect(result.compacted).toContain('raw_records_p20250301');

    expect(await queryRows(db.url, `SELECT count(*)::int AS n FROM raw_records`)).toEqual([{ n: 0 }]);
    expect(await queryRows(db.url, `SELECT count(*)::int AS n FROM raw_payloads WHERE compacted`)).toEqual([
      { n: 300 },
    ]);
    expect(await queryRows(db.url, `SELECT natural_key, payload::text FROM raw_payloads ORDER BY natural_key`)).toEqual(
      before,
    );

    const second = await cli(['compact']);
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ compacted: [] });
  });

  it('should refuse options the command does not take, naming them', async () => {
    const r = await cli(['compact', '--source', 'csv']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--source is only valid with/);
  });
});
