import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is safe to echo and log, else makes one. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && SAFE_ID.test(value) ? value : randomUUID();
}

/** The id assigned to a request, whichever framework object is at hand (fastify request or raw). */
export function requestIdOf(req: unknown): string | undefined {
  const r = req as { id?: unknown; raw?: { id?: unknown } } | undefined;
  const id = r?.raw?.id ?? r?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
