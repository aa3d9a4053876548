import type { AssetCandidate } from './asset-candidate.js';
import { ResolvedAssetCache } from './resolved-asset-cache.js';

const btc: AssetCandidate = { source: 'csv', sourceAssetId: 'BTC', symbol: 'BTC', name: 'Bitcoin', rank: 1 };

describe('ResolvedAssetCache', () => {
  it('should answer only after the transaction that learned an entry commits', () => {
    const cache = new ResolvedAssetCache();
    cache.stage('k', btc, 'asset-1');
    expect(cache.lookup('k', btc)).toBeUndefined();
    cache.commit();
    expect(cache.lookup('k', btc)).toBe('asset-1');
  });

  it('should forget staged entries on discard (rolled-back batch)', () => {
    const cache = new ResolvedAssetCache();
    cache.stage('k', btc, 'asset-1');
    cache.discard();
    cache.commit();
    expect(cache.lookup('k', btc)).toBeUndefined();
  });

  it.each([
    ['symbol', { ...btc, symbol: 'XBT' }],
    ['name', { ...btc, name: 'Bitcoin Cash' }],
    ['rank', { ...btc, rank: 2 }],
    ['missing name', { ...btc, name: null }],
  ])('should miss when the %s differs (full resolution refreshes the mapping)', (_what, candidate) => {
    const cache = new ResolvedAssetCache();
    cache.stage('k', btc, 'asset-1');
    cache.commit();
    expect(cache.lookup('k', candidate)).toBeUndefined();
  });

  it('should stop growing at its bound but keep updating known keys', () => {
    const cache = new ResolvedAssetCache(2);
    cache.stage('a', btc, '1');
    cache.stage('b', btc, '2');
    cache.stage('c', btc, '3');
    cache.commit();
    expect(cache.size).toBe(2);
    cache.stage('a', btc, '9');
    cache.commit();
    expect(cache.lookup('a', btc)).toBe('9');
    expect(cache.lookup('c', btc)).toBeUndefined();
  });
});
