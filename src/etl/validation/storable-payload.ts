import type { RawRecord } from '../extractor/extractor.interface.js';
import { stringViolation, type EnvelopeViolation } from './canonical-envelope.js';

// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL cannot store
const SUSPECT_CHAR = /[\u0000\ud800-\udfff]/;

/**
 * Why a raw record cannot be stored as received (raw payloads are jsonb, natural keys text), or
 * null. jsonb refuses NUL (`\u0000`) and unpaired surrogates; stripping or replacing them would
 * store something the source never sent, so such a record is quarantined whole (the quarantine keeps
 * its payload as text). Walks every key and string of the payload; a clean one costs one regex test
 * per key and string, and the field's path is only worked out for a record that has one.
 */
export function unstorableRecord(record: RawRecord): EnvelopeViolation {
  if (!SUSPECT_CHAR.test(record.naturalKey) && !hasSuspectChar(record.payload)) return null;
  return stringViolation('natural key', record.naturalKey) ?? unstorableValue(record.payload, 'payload');
}

/** The hot path: no path strings built, one regex test per key and string. */
function hasSuspectChar(value: unknown): boolean {
  if (typeof value === 'string') return SUSPECT_CHAR.test(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasSuspectChar);
  for (const key of Object.keys(value)) {
    if (SUSPECT_CHAR.test(key) || hasSuspectChar((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function unstorableValue(value: unknown, path: string): EnvelopeViolation {
  if (typeof value === 'string') return SUSPECT_CHAR.test(value) ? stringViolation(path, value) : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableValue(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const child = `${path}.${key}`;
    const found =
      (SUSPECT_CHAR.test(key) ? stringViolation(`${path} key "${key}"`, key) : null) ??
      unstorableValue((value as Record<string, unknown>)[key], child);
    if (found) return found;
  }
  return null;
}

/**
 * Whether a JSON text can go into a jsonb column: no `\u0000` escape, no escaped or raw unpaired
 * surrogate. An odd number of backslashes before `u` marks a real escape (`\\u0000` is text).
 */
export function isJsonbStorable(json: string): boolean {
  if (!/\\u(0000|d[89a-f])|[\ud800-\udfff]/i.test(json)) return true;
  const escapes = /(\\+)u(0000|d[89ab][0-9a-f]{2}(?:\\u(?:d[c-f][0-9a-f]{2}))?|d[c-f][0-9a-f]{2})/gi;
  for (const m of json.matchAll(escapes)) {
    if (m[1].length % 2 === 0) continue;
    const code = m[2].toLowerCase();
    // A high surrogate escape followed by a low one is a valid pair; anything else is refused.
    if (code === '0000' || code.length === 4) return false;
  }
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(json);
}
