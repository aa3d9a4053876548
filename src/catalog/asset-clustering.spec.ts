import fc from 'fast-check';
import { clusterBlock, type BlockMember } from './asset-clustering.js';
import { pairVerdict, type MatchRecord } from './asset-matching.js';

const record = fc.record<MatchRecord>({
  source: fc.constantFrom('coingecko', 'coinpaprika', 'csv'),
  sourceAssetId: fc.constantFrom('a', 'b', 'foo', 'foo-2', 'x-foo'),
  symbol: fc.constant('FOO'),
  name: fc.option(fc.constantFrom('Foo', 'Foo DAO', 'Wrapped Foo', 'Bar', 'foo', 'Fooo', '漢字'), { nil: null }),
  rank: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
  priceUsd: fc.option(fc.constantFrom(1, 1.004, 1.08, 2, 50), { nil: null }),
  marketCapUsd: fc.option(fc.constantFrom(1e6, 1.05e6, 3e6), { nil: null }),
  observedAt: fc.option(fc.constantFrom(0, 60_000, 7_200_000), { nil: null }),
  crosswalkKey: fc.option(fc.constantFrom('foo:foo', 'foo:bar'), { nil: null }),
});

const member = record.map((r): BlockMember => ({ ...r, overrideKey: null, frozen: null }));

describe('clusterBlock', () => {
  it('should decide every pair symmetrically', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        expect(pairVerdict(a, b)).toEqual(pairVerdict(b, a));
      }),
      { numRuns: 2000 },
    );
  });

  it('should give the same assets, keys, flags and methods for any order of the same members', () => {
    const block = fc.uniqueArray(member, {
      minLength: 1,
      maxLength: 12,
      selector: (m) => `${m.source}/${m.sourceAssetId}`,
    });
    const permuted = block.chain((m) =>
      fc.tuple(fc.constant(m), fc.shuffledSubarray(m, { minLength: m.length, maxLength: m.length })),
    );
    fc.assert(
      fc.property(permuted, ([members, shuffled]) => {
        expect(normalise(clusterBlock('FOO', shuffled))).toEqual(normalise(clusterBlock('FOO', members)));
      }),
      { numRuns: 1000 },
    );
  });

  it('should never put two ids of one source in one asset', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(member, { maxLength: 12, selector: (m) => `${m.source}/${m.sourceAssetId}` }),
        (members) => {
          for (const asset of clusterBlock('FOO', members)) {
            expect(asset.members.length).toBe(new Set(asset.members.map((m) => m.source)).size);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

function normalise(plan: ReturnType<typeof clusterBlock>): unknown {
  return plan
    .map((a) => ({
      ...a,
      members: [...a.members].sort((x, y) => (x.source + x.sourceAssetId < y.source + y.sourceAssetId ? -1 : 1)),
    }))
    .sort((x, y) => (x.key < y.key ? -1 : 1));
}
