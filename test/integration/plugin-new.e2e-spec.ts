import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { typecheck } from '../support/typecheck.js';

/**
 * Issue 22 §4: `npm run plugin:new -- <id>` scaffolds a plugin that works as generated. It is
 * generated into a temporary folder of the repository (so it resolves the same packages), type-checked,
 * and its own generated conformance test is loaded here: the kit's checks run on it in this file.
 */
const ROOT = path.join(__dirname, '../..');
const dir = mkdtempSync(path.join(ROOT, 'test/.scaffold-'));
const output = execFileSync('npm', ['run', '--silent', 'plugin:new', '--', 'acme-scaffold', '--dir', dir], {
  cwd: ROOT,
  encoding: 'utf8',
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run plugin:new', () => {
  it('should write the module, extractor, mapper, config, fixture routes, conformance test and docs', () => {
    expect(readdirSync(dir).sort()).toEqual([
      'README.md',
      'acme-scaffold-source.module.ts',
      'acme-scaffold.config.ts',
      'acme-scaffold.conformance.spec.ts',
      'acme-scaffold.extractor.ts',
      'acme-scaffold.fixture-routes.ts',
      'acme-scaffold.mapper.ts',
    ]);
    expect(output).toContain(
      "import { AcmeScaffoldSourceModule } from './acme-scaffold/acme-scaffold-source.module.js'",
    );
  });

  it('should generate code that type-checks against the SDK', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(dir, f));
    expect(typecheck(files)).toEqual([]);
  }, 120_000);

  it('should refuse to overwrite an existing plugin and an invalid id', () => {
    const run = (...args: string[]) => {
      try {
        execFileSync(process.execPath, [path.join(ROOT, 'scripts/plugin-new.mjs'), ...args], {
          cwd: ROOT,
          encoding: 'utf8',
          stdio: 'pipe',
        });
        return 0;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    expect(run('acme-scaffold', '--dir', dir)).toBe(1);
    expect(run('Bad_Id')).toBe(2);
  });
});

// The generated conformance test, as generated: it declares the kit's checks in this file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(dir, 'acme-scaffold.conformance.spec.ts'));
