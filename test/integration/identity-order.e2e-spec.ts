import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { AssetIdentityRepository } from '../../src/catalog/asset-identity.repository.js';
import { AssetIdentityService, type AssetCandidate } from '../../src/catalog/asset-identity.service.js';
import { ResolvedAssetCache } from '../../src/catalog/resolved-asset-cache.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { identityUniverse, prng } from '../support/identity-universe.js';

/** How one arrival order is cut: sources one after another or interleaved, then batches and runs. */
interface Arrival {
  seed: number;
  bySource: boolean;
  batchSize: number;
  runs: number;
}

describe('identity is independent of arrival order (fast-check, real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const { records, coins } = identityUniverse(520);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Ingests the universe in the given order as the ETL would (one transaction per batch, a cache per source run). */
  async function ingest(order: AssetCandidate[][][]): Promise<void> {
    await dataSource.query('TRUNCATE assets, asset_source_ids, market_quotes CASCADE');
    const service = new AssetIdentityService(new AssetIdentityRepository());
    for (const run of order) {
      const caches = new Map<string, ResolvedAssetCache>();
      for (const batch of run) {
        const cache = caches.get(batch[0].source) ?? new ResolvedAssetCache();
        caches.set(batch[0].source, cache);
        await dataSource.transaction(async (manager) => {
          await service.resolve(manager, batch, cache);
          if (!(await service.cacheStillValid(manager, cache))) await service.resolve(manager, batch, cache);
        });
        cache.commit();
      }
    }
  }

  /** The whole catalog: every mapping with its asset, and every asset with its key, names and flags. */
  async function catalog(): Promise<unknown> {
    const mappings = await dataSource.query(
      `SELECT m.source, m.source_asset_id, m.asset_id, m.match_method, m.confidence FROM asset_source_ids m ORDER BY 1, 2`,
    );
    const assets = await dataSource.query(
      `SELECT id, asset_key, symbol, name, rank, needs_review, review_reason FROM assets ORDER BY asset_key`,
    );
    return { mappings, assets };
  }

  /** Cuts the universe into runs of batches (each batch from one source, as a source run yields them). */
  function arrange(a: Arrival): AssetCandidate[][][] {
    const rnd = prng(a.seed);
    const shuffled = [...records];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const sources = [...new Set(shuffled.map((r) => r.source))].sort(() => rnd() - 0.5);
    const ordered = a.bySource ? sources.flatMap((s) => shuffled.filter((r) => r.source === s)) : shuffled;
    // Runs: consecutive slices; a later run also repeats a slice of an earlier one (re-ingestion).
    const runs: AssetCandidate[][][] = [];
    const perRun = Math.ceil(ordered.length / a.runs);
    for (let r = 0; r < a.runs; r++) {
      const slice = ordered.slice(r * perRun, (r + 1) * perRun);
      if (r > 0) slice.push(...ordered.slice(0, Math.floor(perRun / 4)));
      const batches: AssetCandidate[][] = [];
      let current: AssetCandidate[] = [];
      for (const c of slice) {
        if (current.length > 0 && (current.length >= a.batchSize || current[0].source !== c.source)) {
          batches.push(current);
          current = [];
        }
        current.push(c);
      }
      if (current.length > 0) batches.push(current);
      runs.push(batches);
    }
    return runs;
  }

  it('should ingest a universe of at least 500 coins with every trap family', () => {
    expect(coins).toBeGreaterThanOrEqual(500);
    expect(new Set(records.map((r) => r.source))).toEqual(new Set(['coingecko', 'coinpaprika', 'csv']));
  });

  it('should give the same assets, merges, flags and ids for every arrival order', async () => {
    // Reference: everything in one batch per source, in the generated order.
    await ingest([[...new Set(records.map((r) => r.source))].map((s) => records.filter((r) => r.source === s))]);
    const reference = await catalog();
    const arrival = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      bySource: fc.boolean(),
      batchSize: fc.integer({ min: 40, max: 400 }),
      runs: fc.integer({ min: 1, max: 3 }),
    });

    await fc.assert(
      fc.asyncProperty(arrival, async (a: Arrival) => {
        await ingest(arrange(a));
        expect(await catalog()).toEqual(reference);
      }),
      { numRuns: 6, seed: 20261201, endOnFailure: true },
    );
  }, 120_000);

  it('should keep every never-merge class apart in that catalog', async () => {
    await ingest(arrange({ seed: 99, bySource: false, batchSize: 100, runs: 2 }));
    const rows = (await dataSource.query(
      `SELECT m.asset_id, m.source, m.source_asset_id, m.match_method, a.needs_review FROM asset_source_ids m JOIN assets a ON a.id = m.asset_id`,
    )) as Array<{
      asset_id: string;
      source: string;
      source_asset_id: string;
      match_method: string;
      needs_review: boolean;
    }>;
    const byAsset = new Map<string, string[]>();
    for (const r of rows) {
      byAsset.set(r.asset_id, [...(byAsset.get(r.asset_id) ?? []), `${r.source}/${r.source_asset_id}`]);
    }
    const assetOf = new Map(rows.map((r) => [`${r.source}/${r.source_asset_id}`, r.asset_id]));
    const together = (a: string, b: string) => assetOf.get(a) === assetOf.get(b);

    // One id per source per asset.
    for (const ids of byAsset.values()) expect(ids.length).toBe(new Set(ids.map((id) => id.split('/')[0])).size);
    for (const r of records.filter((c) => c.source === 'coinpaprika')) {
      const id = `coinpaprika/${r.sourceAssetId}`;
      const partner = [...byAsset.get(assetOf.get(id)!)!].find((x) => x.startsWith('coingecko/'));
      if (/-bridged-|-other-|-tube$|-dao$/.test(r.sourceAssetId)) {
        expect({ id, partner }).toEqual({ id, partner: undefined });
      } else expect({ id, partner }).toEqual({ id, partner: `coingecko/${/coin-\d+/.exec(r.sourceAssetId)![0]}` });
    }
    // Suffix ids and copies are never their namesake; bare tickers await review.
    for (const r of records.filter((c) => c.source === 'coingecko' && /-(2|bsc)$/.test(c.sourceAssetId))) {
      expect(together(`coingecko/${r.sourceAssetId}`, `coingecko/${r.sourceAssetId.replace(/-(2|bsc)$/, '')}`)).toBe(
        false,
      );
    }
    for (const r of rows.filter((x) => x.source === 'csv' && !x.source_asset_id.includes('|'))) {
      expect(r.needs_review).toBe(true);
    }
  }, 60_000);
});
