import { createHash } from 'node:crypto';

/** Content hash used to skip rewriting unchanged rows. Not a security boundary: speed matters. */
export function contentHash(value: unknown): string {
  return createHash('sha1').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('base64url');
}
