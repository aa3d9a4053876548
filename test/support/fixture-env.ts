import path from 'node:path';
import { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';

/** A started fixture upstream and the env pointing all four sources at it (fast rate limits, fast retries). */
export async function startFixtures(coins = 60): Promise<{ upstream: FixtureUpstream; env: Record<string, string> }> {
  const upstream = await new FixtureUpstream({ coins }).start();
  return {
    upstream,
    env: {
      ...upstream.env(),
      CSV_SOURCE_DIR: path.join(__dirname, '../../data'),
      COINGECKO_RATE_LIMIT_PER_MIN: '6000',
      COINPAPRIKA_RATE_LIMIT_PER_MIN: '6000',
      RSS_RATE_LIMIT_PER_MIN: '6000',
      HTTP_RETRY_BASE_MS: '10',
      HTTP_TIMEOUT_MS: '2000',
      HTTP_MAX_RETRIES: '3',
    },
  };
}
