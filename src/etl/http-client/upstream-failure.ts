import { UpstreamError } from '../../common/errors/domain-errors.js';

/** Statuses that fail at once: retrying cannot fix them. The hint names the likely cause. */
const FAIL_FAST_HINTS: Record<number, string> = {
  400: 'the request was rejected as malformed (check the source configuration and parameters)',
  401: 'the API key is missing or invalid (check the source API key variable)',
  402: 'the API plan is too low for this endpoint (upgrade the plan or use the free host)',
  403: 'access denied: the API key is invalid or lacks permission for this endpoint',
  404: 'endpoint not found (check the source base URL)',
};

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Which attempt of which request failed: its source and its URL with credentials masked. */
export interface RequestAt {
  source: string;
  safeUrl: string;
  attempt: number;
}

export function httpStatusError({ source, safeUrl, attempt }: RequestAt, status: number, body: string): UpstreamError {
  const hint = FAIL_FAST_HINTS[status];
  const upstreamSays = summariseBody(body);
  const message =
    `${source}: upstream answered HTTP ${status} for ${safeUrl}` +
    (hint ? ` — ${hint}` : '') +
    (upstreamSays ? ` (upstream says: ${upstreamSays})` : '');
  return new UpstreamError(message, {
    source,
    url: safeUrl,
    status,
    attempt,
    retryable: isRetryableStatus(status),
    rateLimited: status === 429,
  });
}

export function transportError(
  { source, safeUrl, attempt }: RequestAt,
  cause: unknown,
  timedOut: boolean,
): UpstreamError {
  const code = (cause as { cause?: { code?: string } })?.cause?.code ?? (cause as { code?: string })?.code;
  const what = timedOut
    ? 'timed out'
    : `failed (${code ?? (cause instanceof Error ? cause.message : 'network error')})`;
  return new UpstreamError(
    `${source}: request to ${safeUrl} ${what}`,
    { source, url: safeUrl, attempt, retryable: true },
    { cause },
  );
}

export function malformedBodyError(
  { source, safeUrl, attempt }: RequestAt,
  detail: string,
  cause?: unknown,
): UpstreamError {
  // A truncated or empty body is usually a transient upstream/proxy fault: retried like a 5xx.
  return new UpstreamError(
    `${source}: malformed response body from ${safeUrl}: ${detail}`,
    { source, url: safeUrl, attempt, retryable: true },
    { cause },
  );
}

/** A short, single-line excerpt of an error body, for the recorded error message. */
function summariseBody(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
