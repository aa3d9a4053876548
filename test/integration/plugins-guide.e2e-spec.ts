import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { typecheck } from '../support/typecheck.js';

/**
 * Issue 22 §6: every ```ts block of docs/PLUGINS.md compiles against the SDK, so the guide cannot
 * rot. A block starting with `// file: <name>` is that file of the guide's example plugin (the others
 * import it by that name); any other block is a file of its own.
 */
const ROOT = path.join(__dirname, '../..');

describe('docs/PLUGINS.md', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(ROOT, 'test/.guide-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should hold the walkthrough files, and compile every ts code block', () => {
    const guide = readFileSync(path.join(ROOT, 'docs/PLUGINS.md'), 'utf8');
    const blocks = [...guide.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    const files = blocks.map((code, i) => {
      const name = /^\/\/ file: (\S+)\n/.exec(code)?.[1] ?? `block-${i + 1}.ts`;
      const file = path.join(dir, name);
      writeFileSync(file, code);
      return file;
    });
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining([
        'acme.config.ts',
        'acme.mapper.ts',
        'acme.extractor.ts',
        'acme-source.module.ts',
        'acme.fixture-routes.ts',
        'acme.conformance.spec.ts',
      ]),
    );
    expect(typecheck(files)).toEqual([]);
  }, 120_000);
});
