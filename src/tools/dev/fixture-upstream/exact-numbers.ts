import { JsonNumber } from '../../../etl/extractor/json-number.js';

/**
 * Number fields a market route serves as exact JSON number literals, never through a double: by
 * coin symbol, then dotted field path (`quotes.USD.price`), the literal as it goes on the wire. For
 * tests of lossless parsing with more significant digits than a double holds.
 */
export type ExactNumbers = Record<string, Record<string, string>>;

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Throws on a literal that is not a JSON number, so a typo fails the test set-up, not the parse. */
export function checkExactNumbers(exact: ExactNumbers): ExactNumbers {
  for (const [symbol, fields] of Object.entries(exact)) {
    for (const [path, literal] of Object.entries(fields)) {
      if (!JSON_NUMBER.test(literal)) {
        throw new Error(`exact number ${symbol}.${path} is not a JSON number literal: "${literal}"`);
      }
    }
  }
  return exact;
}

/** `item` with the exact numbers of its coin in place (a copy; nested objects copied on the way). */
export function applyExactNumbers(
  item: Record<string, unknown>,
  symbol: string,
  exact: ExactNumbers | undefined,
): Record<string, unknown> {
  const fields = exact?.[symbol];
  if (!fields) return item;
  let out = item;
  for (const [path, literal] of Object.entries(fields)) out = setPath(out, path.split('.'), new JsonNumber(literal));
  return out;
}

function setPath(obj: Record<string, unknown>, [head, ...rest]: string[], value: unknown): Record<string, unknown> {
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = obj[head];
  const isObject = child !== null && typeof child === 'object' && !Array.isArray(child);
  const base = isObject ? (child as Record<string, unknown>) : {};
  return { ...obj, [head]: setPath(base, rest, value) };
}
