import { FixtureUpstream } from './fixture-upstream.server.js';
import { loadPluginFixtureRoutes } from './plugin-fixture-routes.js';

/**
 * `npm run upstream:fake`: the fixture upstreams on FIXTURE_PORT (default 9100), until Ctrl-C, with
 * the fixture routes of every ETL_PLUGINS package that exports them (under `/<source id>/`).
 */
async function main(): Promise<void> {
  const packages = (process.env.ETL_PLUGINS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const plugins = loadPluginFixtureRoutes(packages);
  const server = await new FixtureUpstream({
    port: Number(process.env.FIXTURE_PORT ?? 9100),
    coins: Number(process.env.FIXTURE_COINS ?? 600),
    plugins: Object.fromEntries(plugins.mounted.map((p) => [p.sourceId, p.routes()])),
  }).start();
  process.stdout.write(`fixture upstreams listening on ${server.baseUrl}\nPoint the service at them with:\n`);
  const env: Record<string, string | undefined> = server.env();
  for (const p of plugins.mounted) Object.assign(env, p.env(server.pluginBaseUrl(p.sourceId)));
  for (const [k, v] of Object.entries(env)) process.stdout.write(`  ${k}=${v}\n`);
  for (const p of plugins.mounted) {
    process.stdout.write(
      `plugin ${p.packageName}: source ${p.sourceId} served under ${server.pluginBaseUrl(p.sourceId)}/\n`,
    );
  }
  for (const p of plugins.skipped) process.stdout.write(`plugin ${p.packageName}: no fixture routes (${p.reason})\n`);
  process.stdout.write(
    'Script faults: curl -XPOST localhost:9100/__faults -d \'{"route":"coingecko","faults":[{"type":"status","status":429,"retryAfter":2}]}\'\n',
  );
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
