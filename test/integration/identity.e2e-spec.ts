import { DataSource } from 'typeorm';
import { AssetIdentityRepository } from '../../src/catalog/asset-identity.repository.js';
import { AssetIdentityService, candidateKey, type AssetCandidate } from '../../src/catalog/asset-identity.service.js';
import { assetIdFor } from '../../src/catalog/asset-naming.js';
import type { AssetOverride } from '../../src/catalog/asset-overrides.js';
import { ResolvedAssetCache } from '../../src/catalog/resolved-asset-cache.js';
import { buildDataSourceOptions } from '../../src/platform/database/database-options.js';
import { geckoCrosswalkKey } from '../../src/sources/coingecko/coingecko.mapper.js';
import { paprikaCrosswalkKey } from '../../src/sources/coinpaprika/coinpaprika.mapper.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A candidate: source, id, symbol, name, rank, then market data (price, cap) observed at AT. */
type C = [
  source: string,
  id: string,
  symbol: string,
  name: string | null,
  rank?: number | null,
  price?: number | null,
  cap?: number | null,
];
const AT = new Date('2026-11-30T12:00:00Z');
type Expect =
  | { same: [string, string] }
  | { different: [string, string] }
  | { review: string }
  | { confident: string }
  | { method: [string, string] };

interface Case {
  name: string;
  batches: C[][];
  expect: Expect[];
  overrides?: Array<[string, string, string]>;
}

const gecko = (
  id: string,
  sym: string,
  name: string,
  rank: number | null = null,
  price: number | null = null,
  cap: number | null = null,
): C => ['coingecko', id, sym.toLowerCase(), name, rank, price, cap];
const paprika = (
  id: string,
  sym: string,
  name: string,
  rank: number | null = null,
  price: number | null = null,
  cap: number | null = null,
): C => ['coinpaprika', id, sym, name, rank, price, cap];
const csv = (
  sym: string,
  name: string | null = null,
  rank: number | null = null,
  price: number | null = null,
  cap: number | null = null,
): C => ['csv', sym, sym, name, rank, price, cap];

/** What the ETL hands identity for a row: the plugins' mappers set the crosswalk key. */
function candidateOf([source, sourceAssetId, symbol, name, rank, price, cap]: C): AssetCandidate {
  const crosswalkKey =
    source === 'coingecko'
      ? geckoCrosswalkKey(sourceAssetId, symbol.toUpperCase())
      : source === 'coinpaprika'
        ? paprikaCrosswalkKey(sourceAssetId, symbol.toUpperCase())
        : undefined;
  return {
    source,
    sourceAssetId,
    symbol,
    name,
    rank: rank ?? null,
    observedAt: AT,
    crosswalkKey: crosswalkKey ?? null,
    priceUsd: price === null || price === undefined ? null : String(price),
    marketCapUsd: cap === null || cap === undefined ? null : String(cap),
  };
}
const k = (c: C) => `${c[0]}/${c[1]}`;

const BTC_G = gecko('bitcoin', 'btc', 'Bitcoin', 1);
const BTC_P = paprika('btc-bitcoin', 'BTC', 'Bitcoin', 1);
const BTC_C = csv('BTC', 'Bitcoin', 1);
const ETH_G = gecko('ethereum', 'eth', 'Ethereum', 2);
const ETH_P = paprika('eth-ethereum', 'ETH', 'Ethereum', 2);

const CASES: Case[] = [
  // --- one coin across sources -------------------------------------------------------------
  {
    name: 'BTC from CoinGecko, CoinPaprika and the CSV is one asset',
    batches: [[BTC_G], [BTC_P], [BTC_C]],
    expect: [
      { same: ['coingecko/bitcoin', 'coinpaprika/btc-bitcoin'] },
      { same: ['coingecko/bitcoin', 'csv/BTC'] },
      { confident: 'csv/BTC' },
    ],
  },
  {
    name: 'BTC in the reverse source order is still one asset',
    batches: [[BTC_C], [BTC_P], [BTC_G]],
    expect: [{ same: ['coingecko/bitcoin', 'csv/BTC'] }, { same: ['coinpaprika/btc-bitcoin', 'csv/BTC'] }],
  },
  {
    name: 'ETH across two sources is one asset',
    batches: [[ETH_G], [ETH_P]],
    expect: [{ same: ['coingecko/ethereum', 'coinpaprika/eth-ethereum'] }],
  },
  {
    name: 'BNB: "BNB" and "Binance Coin" match by the id crosswalk',
    batches: [[gecko('binancecoin', 'bnb', 'BNB', 5)], [paprika('bnb-binance-coin', 'BNB', 'Binance Coin', 5)]],
    expect: [
      { same: ['coingecko/binancecoin', 'coinpaprika/bnb-binance-coin'] },
      { method: ['coinpaprika/bnb-binance-coin', 'crosswalk'] },
    ],
  },
  {
    name: 'AVAX: a CoinGecko id with a numeric suffix crosswalks',
    batches: [[paprika('avax-avalanche', 'AVAX', 'Avalanche', 14)], [gecko('avalanche-2', 'avax', 'Avalanche', 14)]],
    expect: [{ same: ['coingecko/avalanche-2', 'coinpaprika/avax-avalanche'] }],
  },
  {
    name: 'ATOM: "Cosmos Hub" and "Cosmos" (one name inside the other) are one asset when the market data agrees',
    batches: [
      [gecko('cosmos', 'atom', 'Cosmos Hub', 35, 4.31, 1.7e9)],
      [paprika('atom-cosmos', 'ATOM', 'Cosmos', 36, 4.312, 1.69e9)],
    ],
    expect: [
      { same: ['coingecko/cosmos', 'coinpaprika/atom-cosmos'] },
      { method: ['coinpaprika/atom-cosmos', 'crosswalk'] },
    ],
  },
  {
    name: 'USDC: "USDC" and "USD Coin" are one asset',
    batches: [[gecko('usd-coin', 'usdc', 'USDC', 7)], [paprika('usdc-usd-coin', 'USDC', 'USD Coin', 7)]],
    expect: [{ same: ['coingecko/usd-coin', 'coinpaprika/usdc-usd-coin'] }],
  },
  {
    name: 'WETH: "WETH" and "Wrapped Ether" are one asset (crosswalk beats names)',
    batches: [[gecko('weth', 'weth', 'WETH', 23)], [paprika('weth-weth', 'WETH', 'Wrapped Ether', 23)]],
    expect: [{ same: ['coingecko/weth', 'coinpaprika/weth-weth'] }],
  },
  {
    name: 'case and punctuation do not matter',
    batches: [[gecko('shiba-inu', 'shib', 'Shiba Inu')], [csv('SHIB', 'SHIBA-INU')]],
    expect: [{ same: ['coingecko/shiba-inu', 'csv/SHIB'] }],
  },
  {
    name: 'extra whitespace does not matter',
    batches: [[BTC_G], [csv('BTC', '  Bitcoin  ')]],
    expect: [{ same: ['coingecko/bitcoin', 'csv/BTC'] }],
  },
  {
    name: 'accents do not matter',
    batches: [[gecko('tezos', 'xtz', 'Tezos')], [csv('XTZ', 'Tézos')]],
    expect: [{ same: ['coingecko/tezos', 'csv/XTZ'] }],
  },
  {
    name: 'the CSV ticker "BNB" named "BNB" joins the BNB known as "Binance Coin"',
    batches: [
      [paprika('bnb-binance-coin', 'BNB', 'Binance Coin', 5)],
      [gecko('binancecoin', 'bnb', 'BNB', 5)],
      [csv('BNB', 'BNB', 5)],
    ],
    expect: [{ same: ['coinpaprika/bnb-binance-coin', 'csv/BNB'] }],
  },
  {
    name: 'an old name with agreeing prices and caps merges ("ChainLink Token")',
    batches: [
      [gecko('chainlink', 'link', 'Chainlink', 13, 14.52, 9.1e9)],
      [csv('LINK', 'ChainLink Token', 13, 14.55, 9.2e9)],
    ],
    expect: [{ same: ['coingecko/chainlink', 'csv/LINK'] }, { method: ['csv/LINK', 'symbol_name_market'] }],
  },
  {
    name: 'an old name with only a close rank is not merged but flagged (containment is never enough on its own)',
    batches: [[gecko('chainlink', 'link', 'Chainlink', 13)], [csv('LINK', 'ChainLink Token', 13)]],
    expect: [{ different: ['coingecko/chainlink', 'csv/LINK'] }, { review: 'csv/LINK' }],
  },
  {
    name: 'a renamed coin (same source id, new name) keeps its asset',
    batches: [
      [paprika('matic-polygon', 'MATIC', 'Polygon', 20)],
      [paprika('matic-polygon', 'MATIC', 'Polygon Ecosystem', 20)],
    ],
    expect: [{ confident: 'coinpaprika/matic-polygon' }],
  },
  {
    name: 'a renamed ticker (same source id, new symbol) keeps its asset',
    batches: [[gecko('polygon', 'matic', 'Polygon', 20)], [gecko('polygon', 'pol', 'POL (ex-MATIC)', 20)]],
    expect: [{ confident: 'coingecko/polygon' }],
  },
  {
    name: 'a bare ticker first, then the same CSV ticker with a name: promoted to the named asset',
    batches: [[BTC_G], [csv('BTC')], [BTC_C]],
    expect: [{ same: ['coingecko/bitcoin', 'csv/BTC'] }, { confident: 'csv/BTC' }],
  },
  {
    name: 'an override file entry wins over matching',
    batches: [[BTC_G], [paprika('xbt-odd-bitcoin-listing', 'XBT', 'XBT Legacy')]],
    overrides: [['coinpaprika', 'xbt-odd-bitcoin-listing', 'btc:bitcoin']],
    expect: [
      { same: ['coingecko/bitcoin', 'coinpaprika/xbt-odd-bitcoin-listing'] },
      { method: ['coinpaprika/xbt-odd-bitcoin-listing', 'override'] },
    ],
  },
  {
    name: 'an override to a key not seen yet creates that asset',
    batches: [[csv('FOO', 'Foo Coin')], [gecko('foo-coin', 'foo', 'Foo Coin')]],
    overrides: [['csv', 'FOO', 'foo:foo-coin']],
    expect: [{ same: ['csv/FOO', 'coingecko/foo-coin'] }],
  },
  {
    name: 'one batch with several sources resolves them together',
    batches: [[BTC_G, BTC_P, BTC_C, ETH_G, ETH_P]],
    expect: [
      { same: ['coingecko/bitcoin', 'csv/BTC'] },
      { same: ['coingecko/ethereum', 'coinpaprika/eth-ethereum'] },
      { different: ['coingecko/bitcoin', 'coingecko/ethereum'] },
    ],
  },
  {
    name: 'resolving the same batch twice changes nothing',
    batches: [
      [BTC_G, ETH_G],
      [BTC_G, ETH_G],
    ],
    expect: [{ different: ['coingecko/bitcoin', 'coingecko/ethereum'] }, { confident: 'coingecko/bitcoin' }],
  },
  {
    name: 'a symbol-only row with no known asset gets its own asset for review',
    batches: [[csv('ZZZ')]],
    expect: [{ review: 'csv/ZZZ' }],
  },
  {
    name: 'a symbol-only row does not merge with an existing named asset',
    batches: [[BTC_G], [csv('BTC')]],
    expect: [{ different: ['coingecko/bitcoin', 'csv/BTC'] }, { review: 'csv/BTC' }],
  },
  {
    name: 'a provisional (review) asset is never a match target for other sources',
    batches: [[csv('SOL')], [gecko('solana', 'sol', 'Solana', 6)]],
    expect: [{ different: ['csv/SOL', 'coingecko/solana'] }, { confident: 'coingecko/solana' }, { review: 'csv/SOL' }],
  },
  {
    name: 'a lower-case symbol is normalised',
    batches: [[csv('btc', 'Bitcoin')], [BTC_P]],
    expect: [{ same: ['csv/btc', 'coinpaprika/btc-bitcoin'] }],
  },
  {
    name: 'two sources in parallel batches find each other through the crosswalk',
    batches: [[gecko('the-open-network', 'ton', 'Toncoin')], [paprika('ton-toncoin', 'TON', 'Toncoin')]],
    expect: [{ same: ['coingecko/the-open-network', 'coinpaprika/ton-toncoin'] }],
  },
  // --- must not merge ----------------------------------------------------------------------
  {
    name: 'WBTC is not BTC',
    batches: [[BTC_G, gecko('wrapped-bitcoin', 'wbtc', 'Wrapped Bitcoin', 12)]],
    expect: [{ different: ['coingecko/bitcoin', 'coingecko/wrapped-bitcoin'] }],
  },
  {
    name: 'stETH is not ETH',
    batches: [[ETH_G, gecko('staked-ether', 'steth', 'Lido Staked Ether', 11)]],
    expect: [{ different: ['coingecko/ethereum', 'coingecko/staked-ether'] }],
  },
  {
    name: 'WETH is not ETH',
    batches: [[ETH_G], [paprika('weth-weth', 'WETH', 'Wrapped Ether')]],
    expect: [{ different: ['coingecko/ethereum', 'coinpaprika/weth-weth'] }],
  },
  {
    name: 'Bitcoin Cash is not Bitcoin',
    batches: [[BTC_G, gecko('bitcoin-cash', 'bch', 'Bitcoin Cash', 20)]],
    expect: [{ different: ['coingecko/bitcoin', 'coingecko/bitcoin-cash'] }],
  },
  {
    name: 'Bitcoin SV is not Bitcoin Cash',
    batches: [[gecko('bitcoin-cash', 'bch', 'Bitcoin Cash'), gecko('bitcoin-cash-sv', 'bsv', 'Bitcoin SV')]],
    expect: [{ different: ['coingecko/bitcoin-cash', 'coingecko/bitcoin-cash-sv'] }],
  },
  {
    name: 'Ethereum Classic is not Ethereum',
    batches: [[ETH_G, gecko('ethereum-classic', 'etc', 'Ethereum Classic', 30)]],
    expect: [{ different: ['coingecko/ethereum', 'coingecko/ethereum-classic'] }],
  },
  {
    name: 'a "Wrapped Bitcoin" mislabelled BTC is not Bitcoin',
    batches: [[BTC_G], [csv('BTC', 'Wrapped Bitcoin')]],
    expect: [{ different: ['coingecko/bitcoin', 'csv/BTC'] }],
  },
  {
    name: 'a "Staked ETH" mislabelled ETH is not Ethereum',
    batches: [[ETH_G], [csv('ETH', 'Staked ETH')]],
    expect: [{ different: ['coingecko/ethereum', 'csv/ETH'] }],
  },
  {
    name: 'a bridged USDC is not USDC',
    batches: [
      [gecko('usd-coin', 'usdc', 'USDC', 7)],
      [paprika('usdc-bridged-usdc-polygon', 'USDC', 'Bridged USDC (Polygon PoS Bridge)')],
    ],
    expect: [{ different: ['coingecko/usd-coin', 'coinpaprika/usdc-bridged-usdc-polygon'] }],
  },
  {
    name: 'two unrelated coins sharing the ticker UNI stay apart',
    batches: [[gecko('uniswap', 'uni', 'Uniswap', 25)], [paprika('uni-universe-token', 'UNI', 'Universe Token', 900)]],
    expect: [
      { different: ['coingecko/uniswap', 'coinpaprika/uni-universe-token'] },
      { confident: 'coinpaprika/uni-universe-token' },
    ],
  },
  {
    name: 'similar names sharing a ticker (BTT) stay apart and are flagged for review',
    batches: [[gecko('bittorrent', 'btt', 'BitTorrent', 60)], [paprika('btt-bittube', 'BTT', 'BitTube', 3000)]],
    expect: [{ different: ['coingecko/bittorrent', 'coinpaprika/btt-bittube'] }, { review: 'coinpaprika/btt-bittube' }],
  },
  {
    name: "a name containing another coin's name under the same ticker is not merged",
    batches: [[ETH_G], [csv('ETH', 'Ethereum Classic')]],
    expect: [{ different: ['coingecko/ethereum', 'csv/ETH'] }, { review: 'csv/ETH' }],
  },
  {
    name: '"Pepe Unchained" is not "Pepe"',
    batches: [[gecko('pepe', 'pepe', 'Pepe', 27)], [paprika('pepe-pepe-unchained', 'PEPE', 'Pepe Unchained', 700)]],
    expect: [{ different: ['coingecko/pepe', 'coinpaprika/pepe-pepe-unchained'] }],
  },
  {
    name: '"Gas DAO" is not NEO\'s "Gas"',
    batches: [[gecko('gas', 'gas', 'Gas', 40)], [paprika('gas-gas-dao', 'GAS', 'Gas DAO', 2500)]],
    expect: [{ different: ['coingecko/gas', 'coinpaprika/gas-gas-dao'] }],
  },
  {
    name: 'a bare ticker shared by two assets is not merged with either',
    batches: [[gecko('uniswap', 'uni', 'Uniswap', 25), gecko('unicorn', 'uni', 'Unicorn Token', 2000)], [csv('UNI')]],
    expect: [
      { different: ['csv/UNI', 'coingecko/uniswap'] },
      { different: ['csv/UNI', 'coingecko/unicorn'] },
      { review: 'csv/UNI' },
    ],
  },
  {
    name: 'the same name with a different ticker is a different coin',
    batches: [[gecko('ethereum', 'eth', 'Ethereum')], [csv('ETHW', 'Ethereum')]],
    expect: [{ different: ['coingecko/ethereum', 'csv/ETHW'] }],
  },
  {
    name: 'an old name without rank evidence is not merged but flagged',
    batches: [[gecko('chainlink', 'link', 'Chainlink')], [csv('LINK', 'ChainLink Token')]],
    expect: [{ different: ['coingecko/chainlink', 'csv/LINK'] }, { review: 'csv/LINK' }],
  },
  // --- provider id suffixes: `foo-2` is a different coin than `foo` ---------------------------
  {
    name: 'CoinGecko "pepe-2" ("Pepe 2.0") does not crosswalk to CoinPaprika "pepe-pepe"',
    batches: [[paprika('pepe-pepe', 'PEPE', 'Pepe', 27)], [gecko('pepe-2', 'pepe', 'Pepe 2.0', 27)]],
    expect: [{ different: ['coinpaprika/pepe-pepe', 'coingecko/pepe-2'] }],
  },
  {
    name: 'a suffixed id with the same name but contradicting prices is not merged',
    batches: [
      [paprika('avax-avalanche', 'AVAX', 'Avalanche', 14, 21.07, 8.7e9)],
      [gecko('avalanche-2', 'avax', 'Avalanche', 14, 0.0021, 2e5)],
    ],
    expect: [
      { different: ['coinpaprika/avax-avalanche', 'coingecko/avalanche-2'] },
      { review: 'coinpaprika/avax-avalanche' },
    ],
  },
  {
    name: 'with "foo" and "foo-2" both listed, CoinPaprika "foo-foo" joins "foo" only',
    batches: [
      [gecko('foo-2', 'foo', 'Foo', 900, 0.5, 1e6)],
      [paprika('foo-foo', 'FOO', 'Foo', 120, 3.2, 4e8)],
      [gecko('foo', 'foo', 'Foo', 121, 3.21, 4.1e8)],
    ],
    expect: [
      { same: ['coingecko/foo', 'coinpaprika/foo-foo'] },
      { different: ['coingecko/foo-2', 'coinpaprika/foo-foo'] },
    ],
  },
  {
    name: 'a suffixed CoinPaprika id never crosswalks ("bar-bar-2" vs "bar")',
    batches: [[gecko('bar', 'bar', 'Bar Finance', 300)], [paprika('bar-bar-2', 'BAR', 'Bar Protocol', 5000)]],
    expect: [{ different: ['coingecko/bar', 'coinpaprika/bar-bar-2'] }],
  },
  // --- an asset holds at most one id per source ------------------------------------------
  {
    name: 'two CoinGecko ids with one symbol and one name (a token and its copy) are two assets',
    batches: [[gecko('qux', 'qux', 'Qux'), gecko('qux-bsc', 'qux', 'Qux')]],
    expect: [{ different: ['coingecko/qux', 'coingecko/qux-bsc'] }],
  },
  {
    name: 'two CoinPaprika ids with one symbol and one name are two assets, arriving apart',
    batches: [[paprika('zap-zap', 'ZAP', 'Zap')], [paprika('zap-zap-token', 'ZAP', 'Zap')]],
    expect: [{ different: ['coinpaprika/zap-zap', 'coinpaprika/zap-zap-token'] }],
  },
  {
    name: 'a third source does not join two ids of one source through itself',
    batches: [
      [gecko('qux', 'qux', 'Qux', 50, 2, 1e8)],
      [paprika('qux-qux', 'QUX', 'Qux', 51, 2.001, 1.01e8)],
      [gecko('qux-bsc', 'qux', 'Qux', 700, 2.002, 1.02e5)],
    ],
    expect: [
      { same: ['coingecko/qux', 'coinpaprika/qux-qux'] },
      { different: ['coingecko/qux-bsc', 'coinpaprika/qux-qux'] },
      { review: 'coingecko/qux-bsc' },
    ],
  },
  {
    name: 'the copy arriving first does not keep the partner: the better evidence wins',
    batches: [
      [gecko('qux-bsc', 'qux', 'Qux', 700, 2.0, 3e5)],
      [paprika('qux-qux', 'QUX', 'Qux', 51, 2.001, 1.01e8)],
      [gecko('qux', 'qux', 'Qux', 50, 2.002, 1e8)],
    ],
    expect: [
      { same: ['coingecko/qux', 'coinpaprika/qux-qux'] },
      { different: ['coingecko/qux-bsc', 'coinpaprika/qux-qux'] },
    ],
  },
  // --- candidates the evidence cannot tell apart ---------------------------------------------
  {
    name: 'a coin and its pre-migration listing with one name and no market data: neither is merged',
    batches: [
      [gecko('bittorrent', 'btt', 'BitTorrent')],
      [paprika('btt-bittorrent', 'BTT', 'BitTorrent'), paprika('bttc-bittorrent-chain', 'BTT', 'BitTorrent')],
    ],
    expect: [
      { different: ['coingecko/bittorrent', 'coinpaprika/btt-bittorrent'] },
      { different: ['coingecko/bittorrent', 'coinpaprika/bttc-bittorrent-chain'] },
    ],
  },
  {
    name: 'a coin and its pre-migration listing: the agreeing market data picks the partner',
    batches: [
      [gecko('bittorrent', 'btt', 'BitTorrent', 137, 0.00000071, 6.9e8)],
      [
        paprika('btt-bittorrent', 'BTT', 'BitTorrent', 2900, 0.0021, 1e6),
        paprika('bttc-bittorrent-chain', 'BTT', 'BitTorrent', 137, 0.000000711, 6.85e8),
      ],
    ],
    expect: [
      { same: ['coingecko/bittorrent', 'coinpaprika/bttc-bittorrent-chain'] },
      { different: ['coingecko/bittorrent', 'coinpaprika/btt-bittorrent'] },
    ],
  },
  // --- name containment is never a match on its own, whatever the ranks ----------------------
  {
    name: '"Gas DAO" is not "Gas" even with adjacent ranks',
    batches: [[gecko('gas', 'gas', 'Gas', 40)], [paprika('gas-gas-dao', 'GAS', 'Gas DAO', 41)]],
    expect: [{ different: ['coingecko/gas', 'coinpaprika/gas-gas-dao'] }],
  },
  {
    name: '"Pepe 2.0" is not "Pepe" even with the same rank',
    batches: [[csv('PEPE', 'Pepe', 27)], [paprika('pepe-pepe-20', 'PEPE', 'Pepe 2.0', 27)]],
    expect: [{ different: ['csv/PEPE', 'coinpaprika/pepe-pepe-20'] }],
  },
  {
    name: '"Bitcoin Cash" mislabelled BTC is not Bitcoin even with the same rank',
    batches: [[BTC_G], [csv('BTC', 'Bitcoin Cash', 1)]],
    expect: [{ different: ['coingecko/bitcoin', 'csv/BTC'] }],
  },
  {
    name: '"Solana Inu" is not "Solana" with close ranks and no market data',
    batches: [[paprika('sol-solana', 'SOL', 'Solana', 6)], [gecko('solana-inu', 'sol', 'Solana Inu', 7)]],
    expect: [{ different: ['coinpaprika/sol-solana', 'coingecko/solana-inu'] }],
  },
  {
    name: 'one name inside the other with agreeing prices and caps is one coin ("Hedera" / "Hedera Hashgraph")',
    batches: [
      [gecko('hedera', 'hbar', 'Hedera', 21, 0.1903, 7.3e9)],
      [paprika('hbar-hh', 'HBAR', 'Hedera Hashgraph', 21, 0.1905, 7.2e9)],
    ],
    expect: [
      { same: ['coingecko/hedera', 'coinpaprika/hbar-hh'] },
      { method: ['coinpaprika/hbar-hh', 'symbol_name_market'] },
    ],
  },
  {
    name: 'dissimilar names merge only when prices, caps and ranks all agree ("JOE" / "LFJ")',
    batches: [
      [gecko('joe', 'joe', 'JOE', 400, 0.2311, 9.1e7)],
      [paprika('joe-trader-joe', 'JOE', 'LFJ', 402, 0.2315, 9.0e7)],
    ],
    expect: [
      { same: ['coingecko/joe', 'coinpaprika/joe-trader-joe'] },
      { method: ['coinpaprika/joe-trader-joe', 'symbol_market'] },
    ],
  },
  {
    name: 'dissimilar names with agreeing prices but far ranks stay apart',
    batches: [
      [gecko('joe', 'joe', 'JOE', 400, 0.2311, 9.1e7)],
      [paprika('joe-joe-coin', 'JOE', 'LFJ', 4000, 0.2315, 9.0e5)],
    ],
    expect: [{ different: ['coingecko/joe', 'coinpaprika/joe-joe-coin'] }],
  },
  {
    name: 'an empty normalised name (non-Latin) is no name: never merged on it',
    batches: [[gecko('kanji-a', 'kj', '漢字')], [paprika('kj-kanji-b', 'KJ', '漢字')]],
    expect: [{ different: ['coingecko/kanji-a', 'coinpaprika/kj-kanji-b'] }],
  },
  {
    name: 'ranks far apart do not rescue dissimilar names',
    batches: [
      [gecko('near', 'near', 'NEAR Protocol', 28)],
      [paprika('near-near-vault', 'NEAR', 'Near Vault Token', 4000)],
    ],
    expect: [{ different: ['coingecko/near', 'coinpaprika/near-near-vault'] }],
  },
];

describe('canonical identity resolution (table-driven, real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  async function resolve(
    service: AssetIdentityService,
    batch: C[],
    cache?: ResolvedAssetCache,
  ): Promise<Map<string, string>> {
    const candidates: AssetCandidate[] = batch.map(candidateOf);
    // As the ETL does: answers from the run cache stand only while no re-decision moved ids.
    const result = await dataSource.transaction(async (manager) => {
      const answers = await service.resolve(manager, candidates, cache);
      return cache && !(await service.cacheStillValid(manager, cache))
        ? service.resolve(manager, candidates, cache)
        : answers;
    });
    cache?.commit();
    return result;
  }

  async function state(): Promise<Map<string, { assetId: string; needsReview: boolean; method: string }>> {
    const rows = (await dataSource.query(
      `SELECT m.source, m.source_asset_id, m.asset_id, m.match_method, a.needs_review FROM asset_source_ids m JOIN assets a ON a.id = m.asset_id`,
    )) as Array<{
      source: string;
      source_asset_id: string;
      asset_id: string;
      match_method: string;
      needs_review: boolean;
    }>;
    return new Map(
      rows.map((r) => [
        `${r.source}/${r.source_asset_id}`,
        { assetId: r.asset_id, needsReview: r.needs_review, method: r.match_method },
      ]),
    );
  }

  it('should cover at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await dataSource.query('TRUNCATE assets, asset_source_ids, market_quotes CASCADE');
    const overrides = new Map<string, AssetOverride>(
      (c.overrides ?? []).map(([source, id, key]) => [
        candidateKey(source, id),
        { source, sourceAssetId: id, assetKey: key, note: '' },
      ]),
    );
    const service = new AssetIdentityService(new AssetIdentityRepository(), overrides);

    for (const batch of c.batches) {
      const result = await resolve(service, batch);
      expect(result.size).toBe(new Set(batch.map(k)).size);
    }

    const s = await state();
    for (const e of c.expect) {
      if ('same' in e) {
        expect({
          pair: e.same,
          same: s.get(e.same[0])?.assetId === s.get(e.same[1])?.assetId && s.has(e.same[0]),
        }).toEqual({ pair: e.same, same: true });
      }
      if ('different' in e) {
        expect({
          pair: e.different,
          different: s.get(e.different[0])?.assetId !== s.get(e.different[1])?.assetId,
        }).toEqual({ pair: e.different, different: true });
      }
      if ('review' in e) {
        expect({ id: e.review, needsReview: s.get(e.review)?.needsReview }).toEqual({
          id: e.review,
          needsReview: true,
        });
      }
      if ('confident' in e) {
        expect({ id: e.confident, needsReview: s.get(e.confident)?.needsReview }).toEqual({
          id: e.confident,
          needsReview: false,
        });
      }
      if ('method' in e) {
        expect({ id: e.method[0], method: s.get(e.method[0])?.method }).toEqual({
          id: e.method[0],
          method: e.method[1],
        });
      }
    }
  });

  // The ETL keeps a per-run cache of resolved ids; each case, resolved twice within one "run" (the
  // second pass mostly from the cache), must end exactly as without it.
  it.each(CASES.map((c) => [c.name, c] as const))('with a run cache: %s', async (_name, c) => {
    const overrides = new Map<string, AssetOverride>(
      (c.overrides ?? []).map(([source, id, key]) => [
        candidateKey(source, id),
        { source, sourceAssetId: id, assetKey: key, note: '' },
      ]),
    );
    const service = new AssetIdentityService(new AssetIdentityRepository(), overrides);
    const outcome = async (cache?: ResolvedAssetCache) => {
      await dataSource.query('TRUNCATE assets, asset_source_ids, market_quotes CASCADE');
      const answers: Array<[string, string]> = [];
      for (const batch of [...c.batches, ...c.batches]) answers.push(...(await resolve(service, batch, cache)));
      return { answers: answers.sort(), state: [...(await state())].sort() };
    };
    const cache = new ResolvedAssetCache();
    expect(await outcome(cache)).toEqual(await outcome());
  });

  it('should drop what a rolled-back transaction taught the run cache', async () => {
    await dataSource.query('TRUNCATE assets, asset_source_ids CASCADE');
    const service = new AssetIdentityService(new AssetIdentityRepository());
    const cache = new ResolvedAssetCache();
    await expect(
      dataSource.transaction(async (m) => {
        await service.resolve(
          m,
          [{ source: 'coingecko', sourceAssetId: 'bitcoin', symbol: 'btc', name: 'Bitcoin', rank: 1 }],
          cache,
        );
        throw new Error('batch failed');
      }),
    ).rejects.toThrow('batch failed');
    cache.discard();
    expect(cache.size).toBe(0);
    // The next batch resolves from the database again and creates the mapping for real.
    await resolve(service, [BTC_G], cache);
    expect((await state()).get('coingecko/bitcoin')).toBeDefined();
    expect(cache.size).toBe(1);
  });

  it('should group the same input identically in every order', async () => {
    const input = [
      BTC_G,
      BTC_P,
      BTC_C,
      ETH_G,
      ETH_P,
      gecko('binancecoin', 'bnb', 'BNB', 5),
      paprika('bnb-binance-coin', 'BNB', 'Binance Coin', 5),
      gecko('wrapped-bitcoin', 'wbtc', 'Wrapped Bitcoin', 12),
      paprika('wbtc-wrapped-bitcoin', 'WBTC', 'Wrapped Bitcoin', 12),
    ];
    const groupings: string[] = [];
    for (const order of [
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
      [8, 7, 6, 5, 4, 3, 2, 1, 0],
      [2, 6, 0, 8, 4, 1, 5, 3, 7],
    ]) {
      await dataSource.query('TRUNCATE assets, asset_source_ids CASCADE');
      const service = new AssetIdentityService(new AssetIdentityRepository());
      for (const i of order) await resolve(service, [input[i]]);
      const s = await state();
      const groups = new Map<string, string[]>();
      for (const [key, v] of s) groups.set(v.assetId, [...(groups.get(v.assetId) ?? []), key].sort());
      groupings.push(JSON.stringify([...groups.values()].map((g) => g.join(',')).sort()));
    }
    expect(new Set(groupings).size).toBe(1);
    expect(JSON.parse(groupings[0])).toHaveLength(4);
  });

  it("should make a run cache drop answers that another source's re-decision moved (identity epoch)", async () => {
    await dataSource.query('TRUNCATE assets, asset_source_ids, market_quotes CASCADE');
    const service = new AssetIdentityService(new AssetIdentityRepository());
    const geckoRun = new ResolvedAssetCache();
    const bnb = gecko('binancecoin', 'bnb', 'BNB', 5);
    await resolve(service, [bnb], geckoRun);
    const before = (await state()).get('coingecko/binancecoin')!.assetId;

    // CoinPaprika's "Binance Coin" joins: the asset's key becomes bnb:binance-coin, so its id moves.
    await resolve(service, [paprika('bnb-binance-coin', 'BNB', 'Binance Coin', 5)]);
    const after = (await state()).get('coingecko/binancecoin')!.assetId;
    expect(after).not.toBe(before);
    expect(geckoRun.lookup(candidateKey('coingecko', 'binancecoin'), { ...candidateOf(bnb), symbol: 'BNB' })).toBe(
      before,
    );

    const answered = await dataSource.transaction(async (m) => {
      const stale = await service.resolve(m, [candidateOf(bnb)], geckoRun);
      return {
        stale: stale.get(candidateKey('coingecko', 'binancecoin')),
        valid: await service.cacheStillValid(m, geckoRun),
      };
    });
    expect(answered).toEqual({ stale: before, valid: false });
    expect((await resolve(service, [bnb], geckoRun)).get(candidateKey('coingecko', 'binancecoin'))).toBe(after);
    expect(await dataSource.query(`SELECT 1 FROM assets WHERE id = $1`, [before])).toEqual([]);
  });

  it('should refuse, in the database, a second automatically matched id of one source on one asset', async () => {
    await dataSource.query('TRUNCATE assets, asset_source_ids CASCADE');
    await resolve(new AssetIdentityService(new AssetIdentityRepository()), [BTC_G]);
    const [{ asset_id: assetId }] = (await dataSource.query(`SELECT asset_id FROM asset_source_ids`)) as Array<{
      asset_id: string;
    }>;
    const insert = (method: string) =>
      dataSource.query(
        `INSERT INTO asset_source_ids (source, source_asset_id, asset_id, match_method, confidence, symbol, match_symbol) VALUES ('coingecko', $1, $2, $3, 1, 'BTC', 'BTC')`,
        [`bitcoin-copy-${method}`, assetId, method],
      );

    await expect(insert('symbol_name')).rejects.toThrow(/uq_asset_source_ids_asset_source/);
    // An operator may still put a listing twice on one asset on purpose (override file, admin endpoint).
    await expect(insert('override')).resolves.toBeDefined();
  });

  it('should give an asset the same id in any database (UUIDv5 of its key)', async () => {
    await dataSource.query('TRUNCATE assets, asset_source_ids CASCADE');
    await resolve(new AssetIdentityService(new AssetIdentityRepository()), [BTC_G]);
    const [row] = (await dataSource.query(`SELECT id FROM assets WHERE asset_key = 'btc:bitcoin'`)) as Array<{
      id: string;
    }>;
    expect(row.id).toBe(assetIdFor('btc:bitcoin'));
  });

  it('should create one asset when two transactions resolve the same coin concurrently', async () => {
    await dataSource.query('TRUNCATE assets, asset_source_ids CASCADE');
    const service = new AssetIdentityService(new AssetIdentityRepository());
    await Promise.all([
      dataSource.transaction(async (m) => {
        await service.resolve(m, [candidateOf(gecko('binancecoin', 'bnb', 'BNB', 5))]);
        await new Promise((r) => setTimeout(r, 300));
      }),
      new Promise((r) => setTimeout(r, 50)).then(() =>
        dataSource.transaction((m) =>
          service.resolve(m, [candidateOf(paprika('bnb-binance-coin', 'BNB', 'Binance Coin', 5))]),
        ),
      ),
    ]);
    const s = await state();
    expect(s.get('coingecko/binancecoin')?.assetId).toBe(s.get('coinpaprika/bnb-binance-coin')?.assetId);
  });
  it('should keep an id retired by a re-key answering: an audited rekey and a redirect to the new id', async () => {
    await dataSource.query('TRUNCATE assets, asset_source_ids, asset_redirects, asset_identity_audit CASCADE');
    const service = new AssetIdentityService(new AssetIdentityRepository());
    await resolve(service, [gecko('binancecoin', 'bnb', 'BNB', 5)]);
    const before = (await state()).get('coingecko/binancecoin')!.assetId;

    // CoinPaprika's "Binance Coin" joins: the asset's key (smallest member key) and so its id change.
    await resolve(service, [paprika('bnb-binance-coin', 'BNB', 'Binance Coin', 5)]);
    await resolve(service, [paprika('bnb-binance-coin', 'BNB', 'Binance Coin', 5)]);
    const after = (await state()).get('coingecko/binancecoin')!.assetId;

    expect(after).not.toBe(before);
    expect(await dataSource.query(`SELECT from_asset_id, to_asset_id FROM asset_redirects`)).toEqual([
      { from_asset_id: before, to_asset_id: after },
    ]);
    expect(await dataSource.query(`SELECT action, asset_id, other_asset_id, actor FROM asset_identity_audit`)).toEqual([
      { action: 'rekey', asset_id: after, other_asset_id: before, actor: 'identity' },
    ]);
  });
});
