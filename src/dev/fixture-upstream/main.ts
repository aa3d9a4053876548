import { FixtureUpstream } from './fixture-upstream.server.js';

/** `npm run upstream:fake`: the fixture upstreams on FIXTURE_PORT (default 9100), until Ctrl-C. */
async function main(): Promise<void> {
  const server = await new FixtureUpstream({ port: Number(process.env.FIXTURE_PORT ?? 9100), coins: Number(process.env.FIXTURE_COINS ?? 600) }).start();
  process.stdout.write(`fixture upstreams listening on ${server.baseUrl}\nPoint the service at them with:\n`);
  for (const [k, v] of Object.entries(server.env())) process.stdout.write(`  ${k}=${v}\n`);
  process.stdout.write('Script faults: curl -XPOST localhost:9100/__faults -d \'{"route":"coingecko","faults":[{"type":"status","status":429,"retryAfter":2}]}\'\n');
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
