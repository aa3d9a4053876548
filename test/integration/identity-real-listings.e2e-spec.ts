import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import path from 'node:path';
import request from 'supertest';
import { FixtureUpstream } from '../../src/tools/dev/fixture-upstream/fixture-upstream.server.js';
import {
  buildIdentityListings,
  loadIdentityTruth,
  type IdentityTruth,
} from '../../src/tools/dev/fixture-upstream/identity-listings.js';
import {
  scoreIdentity,
  type IdentityScore,
  type ScoredAsset,
} from '../../src/tools/dev/fixture-upstream/identity-score.js';
import { EtlRunner } from '../../src/etl/etl-runner.service.js';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const TRUTH_DIR = process.env.IDENTITY_TRUTH_DIR ?? path.join(__dirname, '../fixtures/identity-truth');

/**
 * The matcher on real listings: CoinGecko's and CoinPaprika's real ids, names and symbols for every
 * coin sharing a symbol with one of 200 real true pairs, served in the two APIs' shapes by the
 * fixture upstream, ingested by the real ETL, scored through GET /assets.
 */
describe('identity on real CoinGecko and CoinPaprika listings', () => {
  let truth: IdentityTruth;
  let upstream: FixtureUpstream;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let score: IdentityScore;

  beforeAll(async () => {
    truth = loadIdentityTruth(TRUTH_DIR);
    upstream = await new FixtureUpstream({ listings: buildIdentityListings(truth) }).start();
    db = await createTestDatabase();
    app = await createTestApp({
      ...upstream.env(),
      DATABASE_URL: db.url,
      ETL_SOURCES: 'coingecko,coinpaprika',
      COINGECKO_RATE_LIMIT_PER_MIN: '6000',
      COINPAPRIKA_RATE_LIMIT_PER_MIN: '6000',
      HTTP_RETRY_BASE_MS: '10',
    });
    const summary = await app.get(EtlRunner).run({ trigger: 'manual', sources: ['coingecko', 'coinpaprika'] });
    expect([summary.sources.coingecko?.status, summary.sources.coinpaprika?.status]).toEqual([
      'succeeded',
      'succeeded',
    ]);
    score = scoreIdentity(await allAssets(app), truth.pairs);
    process.stdout.write(
      `identity on real listings: ${score.hits}/${score.pairs} pairs, ${score.falseMerges.length} false merges\n`,
    );
    for (const m of score.misses) {
      process.stdout.write(`  miss ${m.coingecko} <-> ${m.coinpaprika}: ${m.coingeckoAsset} / ${m.coinpaprikaAsset}\n`);
    }
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await db?.drop();
  });

  it('should serve the universe the truth describes (both providers, every coin sharing a pair symbol)', () => {
    const listings = buildIdentityListings(truth);
    expect(listings.coingecko.length).toBeGreaterThan(400);
    expect(listings.coinpaprika.length).toBeGreaterThan(250);
    expect(truth.pairs).toHaveLength(200);
  });

  it('should never merge two coins: no wrong partner, no two ids of one source (precision 100 %)', () => {
    expect(score.falseMerges).toEqual([]);
  });

  it('should put at least 95 % of the in-scope true pairs on one asset', () => {
    expect(score.pairs).toBeGreaterThan(180);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
  });
});

/** Every asset, page by page, through the public API. */
async function allAssets(app: NestFastifyApplication): Promise<ScoredAsset[]> {
  const out: ScoredAsset[] = [];
  let cursor: string | null = null;
  do {
    const res = await request(app.getHttpServer())
      .get('/assets')
      .query({ limit: 200, ...(cursor ? { cursor } : {}) })
      .expect(200);
    const body = res.body as { data: ScoredAsset[]; pagination: { next_cursor: string | null } };
    out.push(...body.data);
    cursor = body.pagination.next_cursor;
  } while (cursor);
  return out;
}
