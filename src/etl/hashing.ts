import { hash } from 'node:crypto';

/** Content hash used to skip rewriting unchanged rows. Not a security boundary: speed matters. */
export function contentHash(value: unknown): string {
  // One-shot hash: no Hash object per row on the ingestion hot path.
  return hash('sha1', typeof value === 'string' ? value : JSON.stringify(value), 'base64url');
}
