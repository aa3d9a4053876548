import { spawn } from 'node:child_process';
import path from 'node:path';
import { FixtureUpstream } from './fixture-upstream/fixture-upstream.server.js';

/**
 * `npm run demo`: the fixture upstreams plus the service pointed at them, on the embedded database
 * (unless DATABASE_URL is set), so all four sources ingest end to end with no internet access.
 */
async function main(): Promise<void> {
  const upstream = await new FixtureUpstream({ port: Number(process.env.FIXTURE_PORT ?? 9100) }).start();
  process.stdout.write(`demo: fixture upstreams on ${upstream.baseUrl}\n`);
  const env = {
    ...process.env,
    ...upstream.env(),
    // The fixture has no rate limits worth waiting for; real upstreams keep their defaults.
    COINGECKO_RATE_LIMIT_PER_MIN: process.env.COINGECKO_RATE_LIMIT_PER_MIN ?? '600',
    RSS_RATE_LIMIT_PER_MIN: process.env.RSS_RATE_LIMIT_PER_MIN ?? '600',
  };
  const service = spawn(process.execPath, [path.join(__dirname, '../../main.js')], { env, stdio: 'inherit' });
  const stop = (signal: NodeJS.Signals) => service.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  service.on('exit', (code) => {
    void upstream.stop().then(() => process.exit(code ?? 0));
  });
}

void main();
