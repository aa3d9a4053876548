import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { runMigrationsLocked } from '../../src/platform/database/migration-runner.js';

const TEMPLATE_LOCK_ID = 7_240_099;
export const quiet = { log: () => undefined };

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_ADMIN_URL;
  if (!url) throw new Error('TEST_DATABASE_ADMIN_URL is not set: run tests through jest (global-setup.mjs)');
  return url;
}

export function urlForDatabase(name: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Migrates the run's template database once (first caller wins, under an advisory lock). */
async function ensureMigratedTemplate(): Promise<string> {
  const template = process.env.TEST_TEMPLATE_DB!;
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_ID]);
    try {
      const ds = await new DataSource(buildDataSourceOptions(urlForDatabase(template), { poolSize: 2 })).initialize();
      try {
        await runMigrationsLocked(ds, quiet);
      } finally {
        await ds.destroy();
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_ID]);
    }
  });
  return template;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file (cloned from the template). */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const name = `kt_${randomBytes(4).toString('hex')}_${process.env.TEST_RUN_ID}`;
  const template = migrated ? await ensureMigratedTemplate() : undefined;
  await withAdmin(async (admin) => {
    // CREATE DATABASE ... TEMPLATE fails if anyone is connected to the template: serialise.
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_ID]);
    try {
      await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_ID]);
    }
  });
  return {
    name,
    url: urlForDatabase(name),
    drop: () =>
      withAdmin(async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/** One query on its own connection to `url`: the rows (for tests that check what landed in a table). */
export async function queryRows<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
