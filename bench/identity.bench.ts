import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import path from 'node:path';
import { AppModule } from '../src/app.module.js';
import { createHttpAdapter, setupApp } from '../src/app.setup.js';
import { FixtureUpstream } from '../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import {
  buildIdentityListings,
  loadIdentityTruth,
  type TruePair,
} from '../src/tools/dev/fixture-upstream/identity-listings.js';
import {
  scoreIdentity,
  type IdentityScore,
  type ScoredAsset,
} from '../src/tools/dev/fixture-upstream/identity-score.js';
import { benchServer, freshDatabase } from './bench-db.js';
import { runMain } from './run-main.js';
import { runSourceOnce } from './service-run.js';

/**
 * `npm run bench:identity`: the identity matcher on real listings (test/fixtures/identity-truth, a copy of ../shared/fixtures/identity-truth,
 * or BENCH_TRUTH_DIR). For each seed (BENCH_SEEDS, default 3) the fixture upstream serves both
 * providers' real coins sharing a symbol with a true pair, in the APIs' shapes; the real ETL ingests
 * them (`etl run`, one process per source, CoinPaprika then CoinGecko, or the reverse with
 * BENCH_REVERSE=1); the catalog is scored through GET /assets: precision, recall, misses.
 */
async function main(): Promise<void> {
  const truthDir = process.env.BENCH_TRUTH_DIR ?? path.join(__dirname, '../../test/fixtures/identity-truth');
  const seeds = Number(process.env.BENCH_SEEDS ?? 3);
  const order = process.env.BENCH_REVERSE === '1' ? ['coingecko', 'coinpaprika'] : ['coinpaprika', 'coingecko'];
  const truth = loadIdentityTruth(truthDir);
  const server = await benchServer();
  const lines: string[] = [
    `identity on real listings (${server.label}; ${truth.pairs.length} true pairs; ingest order ${order.join(' then ')})`,
    '',
    '| seed | CoinGecko / CoinPaprika coins | ingest s (per source) | hits / in-scope pairs | recall | false merges | precision |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const missesBySeed: string[] = [];
  try {
    for (let seed = 1; seed <= seeds; seed++) {
      const listings = buildIdentityListings(truth, seed);
      const upstream = await new FixtureUpstream({ listings }).start();
      const url = await freshDatabase(server.adminUrl, `bench_identity_${seed}`);
      const env = {
        ...upstream.env(),
        DATABASE_URL: url,
        ETL_RUN_ON_START: 'false',
        ETL_SCHEDULER_ENABLED: 'false',
        COINGECKO_RATE_LIMIT_PER_MIN: '60000',
        COINPAPRIKA_RATE_LIMIT_PER_MIN: '60000',
        COINGECKO_MAX_PAGES: '100',
      };
      try {
        const seconds: string[] = [];
        for (const source of order) seconds.push((await runSourceOnce(source, env)).seconds.toFixed(1));
        const score = await scoreThroughApi(env, truth.pairs);
        lines.push(
          `| ${seed} | ${listings.coingecko.length} / ${listings.coinpaprika.length} | ${seconds.join(' + ')} | ${score.hits} / ${score.pairs} | ${pct(score.recall)} | ${score.falseMerges.length} | ${pct(score.precision)} |`,
        );
        for (const m of score.misses) {
          missesBySeed.push(
            `- seed ${seed}: ${m.coingecko} <-> ${m.coinpaprika} (landed on ${m.coingeckoAsset} / ${m.coinpaprikaAsset})`,
          );
        }
        for (const f of score.falseMerges) missesBySeed.push(`- seed ${seed}: FALSE MERGE ${f.asset}: ${f.reason}`);
      } finally {
        await upstream.stop();
      }
    }
  } finally {
    await server.stop();
  }
  process.stdout.write(
    `${[...lines, '', 'misses and false merges:', ...(missesBySeed.length ? missesBySeed : ['- none'])].join('\n')}\n`,
  );
}

/** Boots the API (no ETL) on loopback and reads every asset page by page. */
async function scoreThroughApi(env: Record<string, string>, pairs: TruePair[]): Promise<IdentityScore> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ ...process.env, ...env, APP_ROLE: 'api', LOG_LEVEL: 'warn' }),
    createHttpAdapter(),
    { logger: false },
  );
  try {
    setupApp(app);
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const assets: ScoredAsset[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${base}/assets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (!res.ok) throw new Error(`GET /assets answered ${res.status}`);
      const body = (await res.json()) as { data: ScoredAsset[]; pagination: { next_cursor: string | null } };
      assets.push(...body.data);
      cursor = body.pagination.next_cursor;
    } while (cursor);
    return scoreIdentity(assets, pairs);
  } finally {
    await app.close();
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

runMain(main);
