import { findMentions, type DictionaryAsset } from './mention-matcher.js';

const asset = (symbol: string, name: string, rank: number, needsReview = false): DictionaryAsset => ({ id: `id-${symbol}`, symbol, name, rank, needsReview });
const DICT = [
  asset('BTC', 'Bitcoin', 1), asset('ETH', 'Ethereum', 2), asset('WBTC', 'Wrapped Bitcoin', 12), asset('BCH', 'Bitcoin Cash', 20),
  asset('ENA', 'Ethena', 33), asset('DAI', 'Dai', 26), asset('ONE', 'Harmony', 41), asset('GAS', 'Gas', 40), asset('SOL', 'Solana', 6),
  asset('LINK', 'Chainlink', 13), asset('NEAR', 'NEAR Protocol', 28), asset('XRP', 'XRP', 4), asset('STETH', 'Lido Staked Ether', 11),
  asset('UNI', 'Uniswap', 25), asset('UNI', 'Unicorn Token', 2000, true),
];
const symbols = (title: string, summary = '', categories: string[] = []) => findMentions(`${title}\n${summary}`, categories, DICT).map((m) => m.assetId.replace('id-', '')).sort();

describe('findMentions', () => {
  it.each([
    ['Bitcoin hits a new high', ['BTC']],
    ['Analysts say $BTC could retest its high', ['BTC']],
    ['BTC and ETH rally', ['BTC', 'ETH']],
    ['Daily market recap: traders wait', []],
    ['Ethena launches a new product', ['ENA']],
    ['Wrapped Bitcoin supply shrinks', ['WBTC']],
    ['Bitcoin Cash hard fork anniversary', ['BCH']],
    ['Bitcoin and Bitcoin Cash diverge', ['BCH', 'BTC']],
    ['One more thing about gas fees', []],
    ['Harmony ONE bridge reopens', ['ONE']],
    ['$DAI supply grows', ['DAI']],
    ['MakerDAO votes on DAI savings rate', ['DAI']],
    ['Solana-based memecoins surge', ['SOL']],
    ['Near-term outlook remains bearish', []],
    ['NEAR Protocol upgrade ships', ['NEAR']],
    ['Chainlink oracles link more chains', ['LINK']],
    ['Lido Staked Ether depeg fears', ['STETH']],
    ['Ethereum staking via Lido Staked Ether grows', ['ETH', 'STETH']],
    ['bitcoin miners capitulate', ['BTC']],
    ['Uniswap v4 launches; UNI rallies', ['UNI']],
    ['XRP ruling anniversary', ['XRP']],
  ])('"%s" mentions %j', (title, expected) => {
    expect(symbols(title)).toEqual(expected);
  });

  it('should use categories and report one mention per asset with its best confidence', () => {
    const mentions = findMentions('Market update', ['Bitcoin', 'Markets'], DICT);
    expect(mentions).toEqual([{ assetId: 'id-BTC', confidence: 0.95, matched: 'Bitcoin' }]);
  });

  it('should give a ticker alone a lower confidence than the name', () => {
    const [m] = findMentions('Whales accumulate SOL', [], DICT);
    expect(m).toEqual({ assetId: 'id-SOL', confidence: 0.8, matched: 'SOL' });
  });

  it('should never link an asset still awaiting identity review', () => {
    expect(symbols('Unicorn Token airdrop')).toEqual([]);
  });
});
