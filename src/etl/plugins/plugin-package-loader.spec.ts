import { Module } from '@nestjs/common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPluginPackages, PluginPackageError } from './plugin-package-loader.js';
import { PluginOrigins } from './plugin-origins.js';

/** Real packages in a temporary node_modules: the loader's failures must name the package and why. */
describe('loadPluginPackages', () => {
  let root: string;
  const lookup = () => ({ from: [root] });
  const pkg = (name: string, main: string, version = '2.3.4') => {
    const dir = path.join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name, version, main: 'index.js', exports: { '.': './index.js' } }),
    );
    writeFileSync(path.join(dir, 'index.js'), main);
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'etl-plugins-'));
    pkg('throws-on-load', "throw new Error('boom at load');");
    pkg('no-default', 'exports.Other = 1;');
    pkg('not-a-module', 'exports.default = { hello: 1 };');
    pkg('@acme/dynamic', 'class M {}; exports.default = { module: M, providers: [] };', '1.0.0');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['missing-package', /"missing-package" cannot be loaded: it is not installed in the service's node_modules/],
    ['throws-on-load', /"throws-on-load" cannot be loaded: its main module .* throws when loaded: boom at load/],
    ['no-default', /"no-default" cannot be loaded: .* has no default export/],
    ['not-a-module', /"not-a-module" cannot be loaded: the default export .* is not a Nest module/],
  ])('should fail boot for %s with its name and the reason', (name, message) => {
    expect(() => loadPluginPackages([name], lookup())).toThrow(PluginPackageError);
    expect(() => loadPluginPackages([name], lookup())).toThrow(message);
  });

  it('should load a DynamicModule default export with the package version', () => {
    const [loaded] = loadPluginPackages(['@acme/dynamic'], lookup());
    expect(loaded).toMatchObject({ name: '@acme/dynamic', version: '1.0.0' });
    expect(typeof (loaded.module as { module: unknown }).module).toBe('function');
  });

  it('should refuse a package listed twice', () => {
    expect(() => loadPluginPackages(['@acme/dynamic', '@acme/dynamic'], lookup())).toThrow(/listed twice/);
  });

  it("should attribute a package's transitively imported modules to it, and others to built-in", () => {
    @Module({})
    class Inner {}
    @Module({ imports: [Inner] })
    class Outer {}
    @Module({})
    class BuiltIn {}
    const origins = new PluginOrigins([{ name: 'p', version: '1.2.3', module: Outer }]);
    expect(origins.of(Inner)).toEqual({ origin: 'package', package: 'p', version: '1.2.3' });
    expect(origins.of(Outer)).toEqual({ origin: 'package', package: 'p', version: '1.2.3' });
    expect(origins.of(BuiltIn)).toEqual({ origin: 'built-in' });
  });
});
