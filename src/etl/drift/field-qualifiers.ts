/**
 * Field names as words and qualifiers. Two names may only denote the same quantity when their
 * qualifiers (currency or unit, time window, relative vs absolute, change vs level, extremum,
 * statistic, scale, side) are the same: `price` / `price_btc`, `change_24h` / `change_12h` and
 * `percent_change_24h` / `change_24h` are different quantities, however similar they look.
 */

export type QualifierClass =
  'currency' | 'window' | 'relative' | 'delta' | 'extremum' | 'statistic' | 'scale' | 'side' | 'inverse';

/** Qualifier class -> canonical values found in a name (`window` -> {'24h'}). */
export type Qualifiers = ReadonlyMap<QualifierClass, ReadonlySet<string>>;

/** Time unit words after a number: the unit, and its length in hours where hours are the measure. */
const TIME_UNITS: Record<string, { unit: string; hours?: number }> = {
  ...units(['m'], { unit: 'm' }),
  ...units(['min', 'mins', 'minute', 'minutes'], { unit: 'min' }),
  ...units(['h', 'hr', 'hrs', 'hour', 'hours'], { unit: 'h', hours: 1 }),
  ...units(['d', 'day', 'days'], { unit: 'h', hours: 24 }),
  ...units(['w', 'wk', 'week', 'weeks'], { unit: 'h', hours: 168 }),
  ...units(['mo', 'mon', 'month', 'months'], { unit: 'mo' }),
  ...units(['y', 'yr', 'yrs', 'year', 'years'], { unit: 'y' }),
};

/** Window words without a number. */
const WINDOW_WORDS: Record<string, string> = {
  hourly: '1h',
  daily: '24h',
  weekly: '168h',
  monthly: '1mo',
  yearly: '1y',
  annual: '1y',
  annually: '1y',
  ytd: 'ytd',
  intraday: 'intraday',
  alltime: 'alltime',
  hour: '1h',
  day: '24h',
  week: '168h',
  month: '1mo',
  year: '1y',
};

/**
 * ISO 4217 codes, minus the few that are ordinary words in field names (all, top, cup, mop, std),
 * plus crypto units. `sat`/`wei`/`gwei` are their own units (a factor away from btc/eth).
 */
const CURRENCIES = new Set(
  [
    'aed afn amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd btn bwp byn bzd cad',
    'cdf chf clp cny cnh cop crc cuc cve czk djf dkk dop dzd egp ern etb eur fjd fkp gbp gel ghs gip gmd',
    'gnf gtq gyd hkd hnl hrk htg huf idr ils inr iqd irr isk jmd jod jpy kes kgs khr kmf kpw krw kwd kyd',
    'kzt lak lbp lkr lrd lsl lyd mad mdl mga mkd mmk mnt mru mur mvr mwk mxn myr mzn nad ngn nio nok npr',
    'nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sdg sek sgd shp sle sll sos srd',
    'ssp stn svc syp szl thb tjs tmt tnd try ttd twd tzs uah ugx usd uyu uzs ves vnd vuv wst xaf xag xau',
    'xcd xof xpf yer zar zmw zwl btc xbt eth bnb sol xrp ada doge ltc trx bch xlm xmr avax matic shib',
    'usdt usdc busd tusd dai eurc sat sats satoshi satoshis wei gwei',
  ]
    .join(' ')
    .split(' '),
);

const CURRENCY_WORDS: Record<string, string> = {
  dollar: 'usd',
  dollars: 'usd',
  euro: 'eur',
  euros: 'eur',
  yen: 'jpy',
  bitcoin: 'btc',
  ether: 'eth',
  ethereum: 'eth',
  xbt: 'btc',
  sats: 'sat',
  satoshi: 'sat',
  satoshis: 'sat',
};

/** Single-token qualifiers: token -> [class, canonical value]. */
const WORD_QUALIFIERS: Record<string, [QualifierClass, string]> = {
  pct: ['relative', 'percent'],
  percent: ['relative', 'percent'],
  percentage: ['relative', 'percent'],
  perc: ['relative', 'percent'],
  ratio: ['relative', 'ratio'],
  fraction: ['relative', 'ratio'],
  rel: ['relative', 'rel'],
  relative: ['relative', 'rel'],
  bps: ['relative', 'bps'],
  bp: ['relative', 'bps'],
  change: ['delta', 'change'],
  chg: ['delta', 'change'],
  delta: ['delta', 'change'],
  diff: ['delta', 'change'],
  difference: ['delta', 'change'],
  high: ['extremum', 'max'],
  max: ['extremum', 'max'],
  maximum: ['extremum', 'max'],
  peak: ['extremum', 'max'],
  low: ['extremum', 'min'],
  min: ['extremum', 'min'],
  minimum: ['extremum', 'min'],
  ath: ['extremum', 'max'],
  atl: ['extremum', 'min'],
  avg: ['statistic', 'mean'],
  average: ['statistic', 'mean'],
  mean: ['statistic', 'mean'],
  median: ['statistic', 'median'],
  vwap: ['statistic', 'vwap'],
  twap: ['statistic', 'twap'],
  open: ['statistic', 'open'],
  close: ['statistic', 'close'],
  sum: ['statistic', 'sum'],
  k: ['scale', '1e3'],
  thousand: ['scale', '1e3'],
  thousands: ['scale', '1e3'],
  mn: ['scale', '1e6'],
  mm: ['scale', '1e6'],
  million: ['scale', '1e6'],
  millions: ['scale', '1e6'],
  bn: ['scale', '1e9'],
  billion: ['scale', '1e9'],
  billions: ['scale', '1e9'],
  bid: ['side', 'bid'],
  ask: ['side', 'ask'],
  buy: ['side', 'buy'],
  sell: ['side', 'sell'],
  inverse: ['inverse', 'inverse'],
  inv: ['inverse', 'inverse'],
  inverted: ['inverse', 'inverse'],
};

/** `ath`/`atl` are all-time extremes: also a window. */
const ALLTIME_WORDS = new Set(['ath', 'atl', 'alltime']);

/**
 * Splits a field name or dotted path into lower-case tokens: camelCase, snake_case, kebab-case, dots
 * and spaces; letters and digits apart, then a number joined with the time unit after it
 * (`change24hPct` -> change, 24h, pct; `volume_24_hours` -> volume, 24hours). `%` reads as `pct`.
 */
export function nameTokens(name: string): string[] {
  const spaced = name
    .replace(/%/g, ' pct ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-zA-Z])/g, '$1 $2')
    .toLowerCase();
  const raw = spaced.split(/[^a-z0-9]+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (/^\d+$/.test(raw[i]) && i + 1 < raw.length && raw[i + 1] in TIME_UNITS) {
      out.push(raw[i] + raw[i + 1]);
      i++;
    } else {
      out.push(raw[i]);
    }
  }
  return out;
}

/** The qualifiers of a name's tokens, each class with its canonical values. */
export function qualifiersOf(tokens: readonly string[]): Qualifiers {
  const out = new Map<QualifierClass, Set<string>>();
  const add = (c: QualifierClass, v: string) => {
    const set = out.get(c) ?? new Set<string>();
    set.add(v);
    out.set(c, set);
  };
  for (const [i, t] of tokens.entries()) {
    if (t === 'all' && tokens[i + 1] === 'time') add('window', 'alltime');
    const window = windowOf(t);
    if (window) add('window', window);
    if (CURRENCIES.has(t) || t in CURRENCY_WORDS) add('currency', CURRENCY_WORDS[t] ?? t);
    const word = WORD_QUALIFIERS[t];
    if (word) add(word[0], word[1]);
    if (ALLTIME_WORDS.has(t)) add('window', 'alltime');
  }
  return out;
}

/** `24h`, `1d` -> '24h'; `7d` -> '168h'; `30d` -> '720h'; `1y` -> '1y'; `15m` -> '15m'; `daily` -> '24h'. */
function windowOf(token: string): string | undefined {
  const m = /^(\d+)([a-z]+)$/.exec(token);
  if (m && m[2] in TIME_UNITS) {
    const { unit, hours } = TIME_UNITS[m[2]];
    return hours ? `${Number(m[1]) * hours}h` : `${Number(m[1])}${unit}`;
  }
  return WINDOW_WORDS[token];
}

export interface QualifierComparison {
  match: boolean;
  /** Classes whose values differ between the two names. */
  differing: QualifierClass[];
  field: string[];
  candidate: string[];
}

/** Equal when every class has the same canonical values in both names (absent = empty). */
export function compareQualifiers(field: Qualifiers, candidate: Qualifiers): QualifierComparison {
  const classes = new Set<QualifierClass>([...field.keys(), ...candidate.keys()]);
  const differing = [...classes].filter((c) => !sameSet(field.get(c), candidate.get(c))).sort();
  return { match: differing.length === 0, differing, field: describe(field), candidate: describe(candidate) };
}

/**
 * Names that differ only in case, separators or word order are the same name: `current_price` /
 * `currentPrice` / `price_current`, `price_usd` / `usd_price`, `marketcap` / `market_cap`.
 */
export function sameName(a: string, b: string): boolean {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.join('') === tb.join('')) return true;
  return ta.length === tb.length && [...ta].sort().join(' ') === [...tb].sort().join(' ');
}

function sameSet(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  const sa = a ?? new Set<string>();
  const sb = b ?? new Set<string>();
  return sa.size === sb.size && [...sa].every((v) => sb.has(v));
}

function describe(q: Qualifiers): string[] {
  return [...q.entries()].flatMap(([c, values]) => [...values].map((v) => `${c}:${v}`)).sort();
}

type TimeUnit = { unit: string; hours?: number };

function units(words: string[], unit: TimeUnit): Record<string, TimeUnit> {
  return Object.fromEntries(words.map((w) => [w, unit]));
}
