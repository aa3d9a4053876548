import { startService } from '../support/service-process.js';

/** Issue 22 §2: a package of ETL_PLUGINS that cannot be loaded fails boot with one line naming it and why. */
describe('ETL_PLUGINS at boot', () => {
  const bootFailure = async (env: Record<string, string>) => {
    const service = await startService(
      { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ...env },
      { waitReady: false },
    );
    const code = await new Promise<number | null>((resolve) => service.child.once('exit', resolve));
    return { code, logs: service.logs.join('') };
  };

  it('should fail boot naming a package that is not installed', async () => {
    const { code, logs } = await bootFailure({ ETL_PLUGINS: 'not-installed-source', ETL_SOURCES: 'csv' });
    expect(code).toBe(1);
    const line = logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; error?: string })
      .find((l) => l.msg === 'service failed to start');
    expect(line?.error).toMatch(
      /^PluginPackageError: ETL_PLUGINS: plugin package "not-installed-source" cannot be loaded: it is not installed in the service's node_modules/,
    );
  }, 60_000);

  it('should fail boot on a malformed ETL_PLUGINS, naming the variable', async () => {
    const { code, logs } = await bootFailure({ ETL_PLUGINS: 'Not A Package!' });
    expect(code).toBe(1);
    expect(logs).toMatch(/ETL_PLUGINS must be a comma-separated list of npm package names/);
  }, 60_000);
});
