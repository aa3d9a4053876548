import { DataSource } from 'typeorm';
import { SecretMasker } from '../../src/common/secrets/secret-masker.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { RunLedgerRepository } from '../../src/etl/ledger/run-ledger.repository.js';
import { QuarantineRepository } from '../../src/etl/quarantine/quarantine.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const KEY = 'cg-SECRET-9z8y7x';
const masker = new SecretMasker([{ name: 'COINGECKO_API_KEY', value: KEY }]);

/** The repositories that store error text mask it themselves, whoever calls them (real PostgreSQL). */
describe('secret masking at the storage sinks', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.url, { poolSize: 2 })).initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should store ledger error messages with configured secrets masked, at creation and at the end', async () => {
    const ledger = new RunLedgerRepository(ds, masker);
    const runId = await ledger.createRun('manual', ['coingecko'], 'test');

    const skipped = await ledger.createSourceRun({
      runId,
      source: 'coingecko',
      instanceId: 'test',
      status: 'failed',
      cursorBefore: null,
      errorMessage: `could not start: ${KEY}`,
    });
    const id = await ledger.createSourceRun({
      runId,
      source: 'coingecko',
      instanceId: 'test',
      status: 'running',
      cursorBefore: null,
    });
    await ledger.finishSourceRun(id, {
      status: 'failed',
      cursorAfter: null,
      errorClass: 'UpstreamError',
      errorMessage: `HTTP 401 (upstream says: ${encodeURIComponent(KEY)})`,
      schemaFingerprint: null,
      retries: 0,
      waits: { rateLimitWaitMs: 1, backoffWaitMs: 2, retryAfterWaitMs: 3 },
    });

    const rows = (await ds.query(
      `SELECT id::text, error_message, rate_limit_wait_ms, backoff_wait_ms, retry_after_wait_ms FROM etl_source_runs ORDER BY id`,
    )) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      {
        id: skipped,
        error_message: 'could not start: [Redacted:COINGECKO_API_KEY]',
        rate_limit_wait_ms: 0,
        backoff_wait_ms: 0,
        retry_after_wait_ms: 0,
      },
      {
        id,
        error_message: 'HTTP 401 (upstream says: [Redacted:COINGECKO_API_KEY])',
        rate_limit_wait_ms: 1,
        backoff_wait_ms: 2,
        retry_after_wait_ms: 3,
      },
    ]);
  });

  it('should store quarantine reasons with configured secrets masked', async () => {
    const quarantine = new QuarantineRepository(masker);

    const row = {
      source: 'coingecko',
      stream: 'markets',
      naturalKey: 'k1',
      payload: { id: 'x' },
      payloadHash: 'h1',
      reason: `database said: key ${KEY} rejected`,
    };

    await ds.transaction((manager) => quarantine.quarantine(manager, '1', [row]));

    expect(await ds.query(`SELECT natural_key, reason FROM quarantined_records`)).toEqual([
      { natural_key: 'k1', reason: 'database said: key [Redacted:COINGECKO_API_KEY] rejected' },
    ]);
  });
});
