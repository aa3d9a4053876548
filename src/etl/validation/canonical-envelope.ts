import type { CanonicalNews, CanonicalQuote } from '../extractor/canonical.types.js';

/**
 * The value envelope: what a canonical value must satisfy before it may reach PostgreSQL. Every
 * bound is chosen so that each column accepts the value AND every query over it answers (the API
 * casts numerics to float8 in aggregates, divides prices by medians, formats timestamps). A value
 * outside it is not stored wrong and does not fail its batch: the record is quarantined with a
 * reason naming the field and the value class. Rules are written out in docs/ETL.md ("Value
 * envelope and poison rows").
 */
export const ENVELOPE = {
  /** Digits from the first non-zero digit to the last digit written. */
  maxSignificantDigits: 40,
  /** Digits before the decimal point (|value| < 1e40). */
  maxIntegerDigits: 40,
  /**
   * Digits after the decimal point, as stored (non-zero |value| >= 1e-40). Both bounds are also what
   * `/data`'s price cursor accepts, so every stored price can be paged past.
   */
  maxFractionDigits: 40,
  /** PostgreSQL `integer` (int4). */
  minInt: -2_147_483_648,
  maxInt: 2_147_483_647,
  /** The Bitcoin genesis block: no crypto market datum or article about one is older. */
  earliest: new Date('2009-01-03T00:00:00Z'),
} as const;

/** The plausibility window of timestamps for one run. */
export interface TimeWindow {
  /** Observations after this instant are quarantined: run start + ETL_MAX_FUTURE_SKEW_SECONDS. */
  latest: Date;
  /** Shown in reasons: the run's start and the allowed skew. */
  runStartedAt: Date;
  maxFutureSkewSeconds: number;
}

export function timeWindow(runStartedAt: Date, maxFutureSkewSeconds: number): TimeWindow {
  return { latest: new Date(runStartedAt.getTime() + maxFutureSkewSeconds * 1000), runStartedAt, maxFutureSkewSeconds };
}

/** Why a record is out of the envelope, or null when every value is inside it. */
export type EnvelopeViolation = string | null;

// The common case (a plain decimal of at most 20 + 20 digits) is inside every bound: one test.
const SHORT_DECIMAL = /^-?\d{1,20}(\.\d{1,20})?$/;
const DECIMAL = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
// NUL: PostgreSQL text and jsonb cannot hold it. A lone UTF-16 surrogate has no UTF-8 form: the
// driver would silently turn it into U+FFFD. Both make a value that cannot be stored as received.
// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL cannot store
const SUSPECT_CHAR = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A decimal string checked against the envelope: null when inside. */
export function decimalViolation(
  field: string,
  value: string | null,
  options: { nonNegative?: boolean } = {},
): EnvelopeViolation {
  if (value === null) return null;
  const negative = options.nonNegative === true && value.startsWith('-') && /[1-9]/.test(value);
  if (SHORT_DECIMAL.test(value)) return negative ? `${field}: negative decimal "${value}"` : null;
  const m = DECIMAL.exec(value);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return `${field}: not a finite decimal "${clip(value)}"`;
  const written = m[1] + (m[2] ?? '');
  const digits = written.replace(/^0+/, '');
  const exponent = exponentOf(m[3]);
  if (digits === '') {
    // Zero: PostgreSQL still refuses it when the exponent or the written scale is out of its range.
    const scale = (m[2] ?? '').length - exponent;
    const inRange = scale <= ENVELOPE.maxFractionDigits && exponent <= ENVELOPE.maxIntegerDigits;
    return inRange ? null : `${field}: zero written with an out-of-range exponent "${clip(value)}"`;
  }
  if (digits.length > ENVELOPE.maxSignificantDigits) {
    return `${field}: decimal with ${digits.length} significant digits (at most ${ENVELOPE.maxSignificantDigits})`;
  }
  // Where the decimal point falls, counted from the first significant digit: the integer digits.
  const pointAt = m[1].length + exponent - (written.length - digits.length);
  if (pointAt > ENVELOPE.maxIntegerDigits) {
    return `${field}: decimal magnitude out of range "${clip(value)}" (|value| < 1e${ENVELOPE.maxIntegerDigits})`;
  }
  // Digits after the point as PostgreSQL keeps them (written trailing zeros included: `1.000e-38` has 41).
  if (digits.length - pointAt > ENVELOPE.maxFractionDigits) {
    const most = ENVELOPE.maxFractionDigits;
    return `${field}: decimal too small "${clip(value)}" (at most ${most} digits after the point)`;
  }
  return negative ? `${field}: negative decimal "${clip(value)}"` : null;
}

/** The exponent written after `e`; one too long to be in any range is infinite (Number() would round it). */
function exponentOf(text: string | undefined): number {
  if (text === undefined) return 0;
  if (text.replace(/^[+-]?0*/, '').length > 6) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** An integer checked against PostgreSQL `integer`: null when inside. */
export function integerViolation(field: string, value: number | null): EnvelopeViolation {
  if (value === null) return null;
  if (!Number.isInteger(value)) return `${field}: not an integer (${String(value)})`;
  if (value < ENVELOPE.minInt || value > ENVELOPE.maxInt) {
    return `${field}: integer ${value} out of range for integer (int4)`;
  }
  return null;
}

/** A string checked for characters PostgreSQL cannot store as received: null when clean. */
export function stringViolation(field: string, value: string | null): EnvelopeViolation {
  if (value === null || !SUSPECT_CHAR.test(value)) return null;
  if (value.includes('\u0000')) return `${field}: string contains NUL (U+0000)`;
  return LONE_SURROGATE.test(value) ? `${field}: string contains an unpaired UTF-16 surrogate` : null;
}

/** A timestamp checked against the plausibility window: null when inside. */
export function timestampViolation(field: string, value: Date, window: TimeWindow): EnvelopeViolation {
  const t = value instanceof Date ? value.getTime() : NaN;
  if (Number.isNaN(t)) return `${field}: not a valid timestamp`;
  if (t < ENVELOPE.earliest.getTime()) {
    return `${field}: timestamp ${value.toISOString()} is before ${ENVELOPE.earliest.toISOString()} (implausibly old)`;
  }
  if (t > window.latest.getTime()) {
    const skew = window.maxFutureSkewSeconds;
    return (
      `${field}: timestamp ${value.toISOString()} is more than ${skew} s after the run started ` +
      `(${window.runStartedAt.toISOString()}; ETL_MAX_FUTURE_SKEW_SECONDS)`
    );
  }
  return null;
}

/** The first envelope violation of a quote, or null. */
export function quoteViolation(q: CanonicalQuote, window: TimeWindow): EnvelopeViolation {
  return (
    stringViolation('source_asset_id', q.sourceAssetId) ??
    stringViolation('symbol', q.symbol) ??
    stringViolation('name', q.name) ??
    timestampViolation('observed_at', q.observedAt, window) ??
    decimalViolation('price_usd', q.priceUsd, { nonNegative: true }) ??
    decimalViolation('market_cap_usd', q.marketCapUsd, { nonNegative: true }) ??
    decimalViolation('volume_24h_usd', q.volume24hUsd, { nonNegative: true }) ??
    decimalViolation('change_24h_pct', q.change24hPct) ??
    integerViolation('rank', q.rank) ??
    decimalViolation('circulating_supply', q.circulatingSupply, { nonNegative: true }) ??
    decimalViolation('total_supply', q.totalSupply, { nonNegative: true }) ??
    decimalViolation('max_supply', q.maxSupply, { nonNegative: true })
  );
}

/** The first envelope violation of a news item, or null. */
export function newsViolation(n: CanonicalNews, window: TimeWindow): EnvelopeViolation {
  return (
    stringViolation('dedupe_key', n.dedupeKey) ??
    stringViolation('feed_url', n.feedUrl) ??
    stringViolation('guid', n.guid) ??
    stringViolation('link', n.link) ??
    stringViolation('title', n.title) ??
    stringViolation('summary', n.summary) ??
    stringViolation('author', n.author) ??
    n.categories.reduce<EnvelopeViolation>((found, c, i) => found ?? stringViolation(`categories[${i}]`, c), null) ??
    timestampViolation('published_at', n.publishedAt, window)
  );
}

/** Long values are cut in reasons (the payload keeps them whole). */
function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 40)}…(${value.length} chars)` : value;
}
