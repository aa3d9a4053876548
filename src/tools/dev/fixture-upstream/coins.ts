/**
 * The coins the fixture upstreams serve: real coins first (with each provider's real id and name
 * conventions, including the traps: wrapped/staked variants, names containing other names, shared
 * ids that differ per provider), then deterministic synthetic coins up to the requested count.
 */
export interface FixtureCoin {
  symbol: string;
  name: string;
  geckoId: string;
  paprikaId: string;
  /** CoinPaprika's display name when it differs from CoinGecko's. */
  paprikaName?: string;
  price: number;
  rank: number;
  maxSupply: number | null;
}

const REAL: Array<[string, string, string, string, number, number | null, string?]> = [
  ['BTC', 'Bitcoin', 'bitcoin', 'btc-bitcoin', 96518, 21_000_000],
  ['ETH', 'Ethereum', 'ethereum', 'eth-ethereum', 3138.31, null],
  ['USDT', 'Tether', 'tether', 'usdt-tether', 1.0003, null],
  ['XRP', 'XRP', 'ripple', 'xrp-xrp', 2.19, 100_000_000_000],
  ['BNB', 'BNB', 'binancecoin', 'bnb-binance-coin', 601.2, 200_000_000, 'Binance Coin'],
  ['SOL', 'Solana', 'solana', 'sol-solana', 147.25, null],
  ['USDC', 'USDC', 'usd-coin', 'usdc-usd-coin', 0.9999, null, 'USD Coin'],
  ['DOGE', 'Dogecoin', 'dogecoin', 'doge-dogecoin', 0.1812, null],
  ['ADA', 'Cardano', 'cardano', 'ada-cardano', 0.7034, 45_000_000_000],
  ['TRX', 'TRON', 'tron', 'trx-tron', 0.2466, null],
  ['STETH', 'Lido Staked Ether', 'staked-ether', 'steth-lido-staked-ether', 3135.9, null],
  ['WBTC', 'Wrapped Bitcoin', 'wrapped-bitcoin', 'wbtc-wrapped-bitcoin', 96402, null],
  ['LINK', 'Chainlink', 'chainlink', 'link-chainlink', 14.52, 1_000_000_000],
  ['AVAX', 'Avalanche', 'avalanche-2', 'avax-avalanche', 21.07, 720_000_000],
  ['XLM', 'Stellar', 'stellar', 'xlm-stellar', 0.2811, 50_001_806_812],
  ['SUI', 'Sui', 'sui', 'sui-sui', 3.41, 10_000_000_000],
  ['TON', 'Toncoin', 'the-open-network', 'ton-toncoin', 3.12, null],
  ['SHIB', 'Shiba Inu', 'shiba-inu', 'shib-shiba-inu', 0.00001402, null],
  ['HBAR', 'Hedera', 'hedera-hashgraph', 'hbar-hedera-hashgraph', 0.1903, 50_000_000_000],
  ['BCH', 'Bitcoin Cash', 'bitcoin-cash', 'bch-bitcoin-cash', 361.4, 21_000_000],
  ['DOT', 'Polkadot', 'polkadot', 'dot-polkadot', 4.12, null],
  ['LTC', 'Litecoin', 'litecoin', 'ltc-litecoin', 86.3, 84_000_000],
  ['WETH', 'WETH', 'weth', 'weth-weth', 3137.5, null, 'Wrapped Ether'],
  ['LEO', 'LEO Token', 'leo-token', 'leo-leo-token', 9.02, null],
  ['UNI', 'Uniswap', 'uniswap', 'uni-uniswap', 5.61, 1_000_000_000],
  ['DAI', 'Dai', 'dai', 'dai-dai', 1.0001, null],
  ['PEPE', 'Pepe', 'pepe', 'pepe-pepe', 0.00000851, 420_690_000_000_000],
  ['NEAR', 'NEAR Protocol', 'near', 'near-near-protocol', 2.31, null],
  ['APT', 'Aptos', 'aptos', 'apt-aptos', 5.02, null],
  ['ETC', 'Ethereum Classic', 'ethereum-classic', 'etc-ethereum-classic', 17.1, 210_700_000],
  ['ICP', 'Internet Computer', 'internet-computer', 'icp-internet-computer', 4.93, null],
  ['ENA', 'Ethena', 'ethena', 'ena-ethena', 0.331, null],
  ['XMR', 'Monero', 'monero', 'xmr-monero', 281.2, null],
  ['ATOM', 'Cosmos Hub', 'cosmos', 'atom-cosmos', 4.31, null, 'Cosmos'],
  ['ARB', 'Arbitrum', 'arbitrum', 'arb-arbitrum', 0.321, 10_000_000_000],
  ['FIL', 'Filecoin', 'filecoin', 'fil-filecoin', 2.61, 1_960_000_000],
  ['BSV', 'Bitcoin SV', 'bitcoin-cash-sv', 'bsv-bitcoin-sv', 32.4, 21_000_000],
  ['MANA', 'Decentraland', 'decentraland', 'mana-decentraland', 0.281, null],
  ['GAS', 'Gas', 'gas', 'gas-gas', 2.93, 100_000_000],
  ['ONE', 'Harmony', 'harmony', 'one-harmony', 0.0121, null],
  ['SAND', 'The Sandbox', 'the-sandbox', 'sand-the-sandbox', 0.262, 3_000_000_000],
  ['USDE', 'Ethena USDe', 'ethena-usde', 'usde-ethena-usde', 1.0002, null],
];

export function fixtureCoins(count = 600): FixtureCoin[] {
  const coins: FixtureCoin[] = REAL.map(([symbol, name, geckoId, paprikaId, price, maxSupply, paprikaName], i) => ({
    symbol,
    name,
    geckoId,
    paprikaId,
    paprikaName,
    price,
    rank: i + 1,
    maxSupply,
  }));
  for (let i = coins.length; i < count; i++) {
    const n = i + 1;
    const symbol = `SYN${n}`;
    const name = `Synthetic Coin ${n}`;
    // Deterministic pseudo-random price spread over many orders of magnitude.
    const price = Number((((n * 7919) % 10007) / 100 + 0.0001).toFixed(6));
    coins.push({
      symbol,
      name,
      geckoId: `synthetic-coin-${n}`,
      paprikaId: `${symbol.toLowerCase()}-synthetic-coin-${n}`,
      price,
      rank: n,
      maxSupply: null,
    });
  }
  return coins;
}
